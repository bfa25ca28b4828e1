"""Flaky: fail every Nth call, deterministically, to show what a Lambda error looks like to clients.

N comes from ``?every=``, else the stage variable ``failEvery``, else 3. A failing call raises, which
API Gateway reports as 502 "Internal server error" (REST) or 500 "Internal Server Error" (HTTP API).
"""

from __future__ import annotations

import json
from typing import Any

from . import lab


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Raise on calls N, 2N, 3N…; answer 200 otherwise."""
    every = max(1, int(lab.param(event, "every", stage_variable="failEvery", default="3")))
    call = lab.count(f"flaky:{context.function_name}")
    if call % every == 0:
        raise RuntimeError(f"Simulated failure on call {call} (fails every {every} calls)")
    return {"statusCode": 200, "body": json.dumps({"call": call, "failsEvery": every})}
