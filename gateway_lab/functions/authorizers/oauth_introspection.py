"""An authorizer for a third-party OAuth server: it 'introspects' opaque tokens (RFC 7662 style).

The introspection call is pretend: a table stands in for the OAuth server and the call costs 120 ms
of lab time, so the result cache's saving shows in the trace. Scopes map to HTTP methods:
``pets:read`` allows GET, ``pets:write`` allows POST/PUT/DELETE; the policy covers the whole stage.
"""

from __future__ import annotations

from typing import Any

from gateway_lab.functions import lab

from . import stage_wildcard

INTROSPECTION_MS = 120.0
TOKENS: dict[str, dict[str, Any]] = {
    "opaque-read-alice": {"active": True, "sub": "alice", "client_id": "partner-app", "scope": "pets:read"},
    "opaque-write-bob": {
        "active": True,
        "sub": "bob",
        "client_id": "partner-app",
        "scope": "pets:read pets:write",
    },
    "opaque-revoked": {"active": False},
}
METHODS = {"pets:read": ("GET", "HEAD"), "pets:write": ("POST", "PUT", "PATCH", "DELETE")}


def introspect(token: str) -> dict[str, Any]:
    """Ask the pretend OAuth server about ``token``."""
    lab.spend(INTROSPECTION_MS)
    return TOKENS.get(token, {"active": False})


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Allow the methods the token's scopes grant, on every path of the stage."""
    raw = event.get("authorizationToken") or (event.get("headers") or {}).get("authorization", "")
    answer = introspect(str(raw).removeprefix("Bearer ").strip())
    if not answer.get("active"):
        raise Exception("Unauthorized")  # noqa: TRY002 - 401, as AWS does for this exact message
    arn = event.get("methodArn") or event.get("routeArn", "")
    prefix = stage_wildcard(arn).removesuffix("/*")
    methods = [m for scope in answer["scope"].split() for m in METHODS.get(scope, ())]
    statements = [
        {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": f"{prefix}/{m}/*"} for m in methods
    ]
    if not statements:  # an active token without a useful scope: say no explicitly
        statements = [{"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": f"{prefix}/*/*"}]
    return {
        "principalId": answer["sub"],
        "policyDocument": {"Version": "2012-10-17", "Statement": statements},
        "context": {"sub": answer["sub"], "scope": answer["scope"], "clientId": answer["client_id"]},
        "isAuthorized": bool(methods),
    }
