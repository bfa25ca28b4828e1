"""A Lambda REQUEST authorizer for ``$connect``, after the example in AWS's WebSocket guide.

WebSocket APIs take REQUEST authorizers only (§9): the event carries the upgrade's ``headers`` and
``queryStringParameters`` and the route's ``methodArn`` (``…/{stage}/$connect``). The token comes
from the ``Auth`` header, else the ``token`` query string (a browser's WebSocket cannot set headers):
``allow`` → Allow on exactly this route, ``deny`` → explicit Deny (403), anything else →
``Unauthorized`` (401).
"""

from __future__ import annotations

from typing import Any

from gateway_lab.functions.authorizers import policy


def _token(event: dict[str, Any]) -> str:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    query = event.get("queryStringParameters") or {}
    return str(headers.get("auth") or query.get("token") or "").strip().lower()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Allow or deny the connection from its token."""
    token, arn = _token(event), event["methodArn"]
    if token == "allow":
        return policy("ws-user", "Allow", arn, {"token": "allow"})
    if token == "deny":
        return policy("ws-user", "Deny", arn)
    raise Exception("Unauthorized")  # noqa: TRY002 - API Gateway answers 401 for this exact message
