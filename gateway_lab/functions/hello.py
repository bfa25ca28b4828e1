"""Hello: the smallest useful Lambda proxy function."""

from __future__ import annotations

import json
from typing import Any

from . import lab


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Greet ``?name=`` (default "world") with a JSON message."""
    name = lab.param(event, "name", default="world")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": f"Hello, {name}!", "requestId": context.aws_request_id}),
    }
