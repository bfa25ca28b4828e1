"""Built-in Lambda authorizers to choose from in the lab (GATEWAY_FACTS.md §7.2, §7.3).

- ``static_token``: TOKEN authorizer; the token says what to do (``allow``, ``deny``, ``unauthorized``, ``fail``).
- ``allow_list``: REQUEST authorizer; lets in the client ids listed in a stage variable.
- ``oauth_introspection``: TOKEN/REQUEST authorizer that asks a pretend OAuth server about an opaque token.
"""

from __future__ import annotations

from typing import Any


def policy(
    principal_id: str, effect: str, resource: str, context: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Return an authorizer output with a one-statement IAM policy, like AWS's blueprints."""
    return {
        "principalId": principal_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
        "context": context or {},
    }


def stage_wildcard(arn: str) -> str:
    """Turn ``…:api/stage/GET/pets/1`` (or ``…:api/stage/$connect``) into ``…:api/stage/*``.

    ``*`` in an execute-api ARN matches across ``/``, so this allows every method and path of the
    stage — and a WebSocket API's ``$connect`` route, whose ARN has no method part — which makes the
    policy safe to cache for the whole stage.
    """
    prefix, _, rest = arn.partition("/")
    stage = rest.split("/", 1)[0]
    return f"{prefix}/{stage}/*"
