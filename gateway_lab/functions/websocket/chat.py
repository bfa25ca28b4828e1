"""AWS's simple-websockets-chat-app in Python: store connection ids, fan messages out to all of them.

Routes: ``$connect`` → ``on_connect``, ``$disconnect`` → ``on_disconnect``, ``sendmessage`` →
``send_message`` (a client sends ``{"action": "sendmessage", "data": "hello"}``).
"""

from __future__ import annotations

import json
from typing import Any

from gateway_lab.functions.websocket import apigw

TABLE = "chat"


def on_connect(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Remember the new connection id."""
    apigw.table(TABLE).put(event["requestContext"]["connectionId"])
    return {"statusCode": 200, "body": "Connected."}


def on_disconnect(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Forget the connection id."""
    apigw.table(TABLE).delete(event["requestContext"]["connectionId"])
    return {"statusCode": 200, "body": "Disconnected."}


def send_message(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Post the message's ``data`` to every stored connection; drop the ones that are gone."""
    try:
        data = json.loads(event.get("body") or "{}").get("data", "")
    except (ValueError, AttributeError):
        return {"statusCode": 400, "body": 'Send JSON: {"action": "sendmessage", "data": ...}'}
    payload = data if isinstance(data, str) else json.dumps(data)
    chat = apigw.table(TABLE)
    for connection_id in chat.scan():
        try:
            apigw.post_to_connection(ConnectionId=connection_id, Data=payload)
        except apigw.GoneException:
            chat.delete(connection_id)
    return {"statusCode": 200, "body": "Data sent."}


def default(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The $default route: a message with no known action gets told what to send (a route response)."""
    body = {
        "type": "help",
        "message": "Unknown action",
        "actions": ["sendmessage"],
        "received": event.get("body"),
    }
    return {"statusCode": 200, "body": json.dumps(body)}
