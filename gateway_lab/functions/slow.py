"""Slow: a function that takes longer than the integration timeout allows (29 s REST, 30 s HTTP API).

The delay comes from ``?delay_ms=``, else the stage variable ``delayMs``, else 35 000 ms. The gateway
stops waiting at its timeout and answers 504 "Endpoint request timed out" even though the
function itself would still finish.
"""

from __future__ import annotations

import json
from typing import Any

from . import lab

DEFAULT_DELAY_MS = 35_000


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Spend the configured delay, then answer 200."""
    delay_ms = float(lab.param(event, "delay_ms", stage_variable="delayMs", default=str(DEFAULT_DELAY_MS)))
    lab.spend(delay_ms)
    return {"statusCode": 200, "body": json.dumps({"sleptMs": delay_ms})}
