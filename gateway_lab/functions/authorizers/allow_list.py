"""A REQUEST authorizer that admits the client ids listed in the stage variable ``allowedClients``.

It reads ``x-client-id`` (header) and answers both ways at once: an IAM policy for REST and HTTP
payload 1.0, and ``isAuthorized`` for HTTP APIs with simple responses (each ignores the other's keys).
"""

from __future__ import annotations

from typing import Any

from . import policy, stage_wildcard

DEFAULT_CLIENTS = "mobile-app,partner-portal"


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Allow listed client ids on the whole stage; deny the rest."""
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    client = headers.get("x-client-id", "")
    allowed = {
        c.strip()
        for c in ((event.get("stageVariables") or {}).get("allowedClients") or DEFAULT_CLIENTS).split(",")
    }
    arn = event.get("methodArn") or event.get("routeArn", "")
    ok = client in allowed
    result = policy(
        client or "anonymous", "Allow" if ok else "Deny", stage_wildcard(arn), {"clientId": client}
    )
    result["isAuthorized"] = ok
    return result
