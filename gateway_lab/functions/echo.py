"""Echo: return the event API Gateway sent, so you can read every field the function receives."""

from __future__ import annotations

import json
from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Return the whole event as the JSON body of a 200 response."""
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(event, indent=2, sort_keys=True),
    }
