"""The engine's verdict on @connections callers: SigV4, then execute-api:ManageConnections (§7.1, §9)."""

from __future__ import annotations

from typing import Any

from gateway_lab.engine.access.manage_auth import ManageAuthorization, authorize_management, connections_arn
from gateway_lab.engine.access.sigv4 import LabCredential, sign
from gateway_lab.engine.messages import Request

NOW = 1_700_000_000_000.0
RESOURCE = connections_arn(
    region="us-east-1",
    account_id="123456789012",
    api_id="a1",
    stage="prod",
    method="post",
    connection_id="Cc3=",
)
PATH = "/prod/@connections/Cc3%3D"


def _credential(effect: str = "Allow", action: str = "execute-api:ManageConnections") -> LabCredential:
    statement = {"Effect": effect, "Action": action, "Resource": "arn:aws:execute-api:us-east-1:*:a1/*"}
    return LabCredential(
        access_key_id="AKIALAB0000000000001",
        secret_access_key="lab-secret",
        user_arn="arn:aws:iam::123456789012:user/backend",
        policy={"Version": "2012-10-17", "Statement": [statement]},
    )


def _authorize(credential: LabCredential, **changes: Any) -> ManageAuthorization:
    request = Request.build(
        "POST", PATH, headers={"Host": "a1.execute-api.us-east-1.amazonaws.com"}, body=b"hi"
    )
    signed = sign(request, credential=credential, region="us-east-1", time_ms=NOW, raw_path=PATH)
    return authorize_management(
        signed,
        credentials={credential.access_key_id: credential},
        resource_arn=RESOURCE,
        region="us-east-1",
        now_ms=changes.get("now_ms", NOW),
        raw_path=PATH,
    )


def test_connections_arn_names_method_and_connection() -> None:
    """§7.1: the resource is arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/@connections/{id}."""
    assert RESOURCE == "arn:aws:execute-api:us-east-1:123456789012:a1/prod/POST/@connections/Cc3="


def test_manage_auth_allows_manage_connections() -> None:
    """§9: an identity policy allowing execute-api:ManageConnections lets the signer call @connections."""
    verdict = _authorize(_credential())
    assert (verdict.allowed, verdict.caller) == (True, "arn:aws:iam::123456789012:user/backend")


def test_manage_auth_invoke_only_is_forbidden() -> None:
    """§9: execute-api:Invoke alone does not cover the callback API."""
    verdict = _authorize(_credential(action="execute-api:Invoke"))
    assert verdict.refusal is not None
    assert (verdict.refusal.status, verdict.refusal.error_type) == (403, "ForbiddenException")
    assert (
        b"because no identity-based policy allows the execute-api:ManageConnections action"
        in verdict.refusal.body
    )


def test_manage_auth_explicit_deny_says_so() -> None:
    """§7.5: an applying Deny is an explicit deny, and the message says so."""
    verdict = _authorize(_credential(effect="Deny"))
    assert verdict.refusal is not None and verdict.refusal.body.endswith(b'with an explicit deny"}')


def test_manage_auth_stale_signature_expires() -> None:
    """§7.1, §5.3: a signature older than 5 minutes is refused as expired."""
    verdict = _authorize(_credential(), now_ms=NOW + 6 * 60 * 1000)
    assert verdict.refusal is not None and b"Signature expired" in verdict.refusal.body
