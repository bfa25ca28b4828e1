"""A price ticker: ``subscribe``/``unsubscribe`` routes keep a table of subscribers; ``quote`` answers once.

The lab's scheduler (like an EventBridge rule invoking a Lambda every second) calls ``prices`` and
pushes the result to every subscriber through ``@connections``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from gateway_lab.functions.websocket import apigw

TABLE = "ticker"
SYMBOLS = {"AMZN": 185.0, "MSFT": 420.0, "AAPL": 190.0, "NVDA": 120.0}


def prices(second: int) -> dict[str, float]:
    """Return the price of each symbol at epoch ``second`` (a smooth, deterministic wiggle)."""
    return {
        symbol: round(base * (1 + 0.01 * math.sin(second / (3 + i)) + 0.004 * math.sin(second * 1.7 + i)), 2)
        for i, (symbol, base) in enumerate(SYMBOLS.items())
    }


def subscribe(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Add the caller to the subscribers and answer with the symbols."""
    apigw.table(TABLE).put(event["requestContext"]["connectionId"])
    return {"statusCode": 200, "body": json.dumps({"type": "subscribed", "symbols": list(SYMBOLS)})}


def unsubscribe(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Remove the caller from the subscribers."""
    apigw.table(TABLE).delete(event["requestContext"]["connectionId"])
    return {"statusCode": 200, "body": json.dumps({"type": "unsubscribed"})}


def default(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The $default route: say which actions exist (what a message with no known action gets back)."""
    body = {
        "type": "help",
        "message": "Unknown action",
        "actions": ["sendmessage", "subscribe", "unsubscribe", "whoami"],
        "received": event.get("body"),
    }
    return {"statusCode": 200, "body": json.dumps(body)}


def whoami(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer with this connection's id and the GetConnection view of it."""
    connection_id = event["requestContext"]["connectionId"]
    info = apigw.get_connection(ConnectionId=connection_id)
    return {"statusCode": 200, "body": json.dumps({"type": "whoami", "connectionId": connection_id, **info})}
