"""Who may call ``@connections``: SigV4 with ``execute-api:ManageConnections`` (GATEWAY_FACTS.md §7.1, §9).

The callback API is IAM-only in AWS: a backend signs ``POST|GET|DELETE /{stage}/@connections/{id}``
with service ``execute-api``, and its identity policy must allow ``execute-api:ManageConnections``
on ``arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/{METHOD}/@connections/{id}``.
Credentials are the lab's IAM users (the API JSON's ``labAccess`` block, see ``engine.access``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..messages import Request
from ..websocket.connections import ManageResult
from . import sigv4
from .iam_policy import Effect, evaluate

ACTION = "execute-api:ManageConnections"


@dataclass(frozen=True, slots=True, kw_only=True)
class ManageAuthorization:
    """The verdict on one ``@connections`` call: the caller, or the 403 to answer with."""

    caller: str | None = None
    refusal: ManageResult | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)  # JSON-safe, for logs and the UI

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def connections_arn(
    *, region: str, account_id: str, api_id: str, stage: str, method: str, connection_id: str
) -> str:
    """Return the resource ARN a ``@connections`` call is authorized against."""
    return f"arn:aws:execute-api:{region}:{account_id}:{api_id}/{stage}/{method.upper()}/@connections/{connection_id}"


def _refuse(status: int, error_type: str, message: str) -> ManageResult:
    return ManageResult(status=status, error_type=error_type, body=json.dumps({"message": message}).encode())


def authorize_management(
    request: Request,
    *,
    credentials: Mapping[str, sigv4.LabCredential],
    resource_arn: str,
    region: str,
    now_ms: float,
    raw_path: str,
) -> ManageAuthorization:
    """Verify the request's SigV4 signature, then the signer's policy for ManageConnections.

    ``raw_path`` is the percent-encoded path the client signed (what it sent on the wire).
    """
    check = sigv4.verify(request, credentials=credentials, region=region, now_ms=now_ms, raw_path=raw_path)
    if isinstance(check, sigv4.SigV4Refused):
        error = check.error
        key_id = check.detail.access_key_id if check.detail is not None else None
        return ManageAuthorization(
            refusal=_refuse(error.status, error.error_type, error.message),
            detail={"error_type": error.error_type, "access_key_id": key_id},
        )
    credential = check.credential
    decision = evaluate(credential.policy, action=ACTION, resource=resource_arn)
    detail = {"caller": credential.user_arn, "resource": resource_arn, "identity_policy": decision.to_dict()}
    if decision.effect == Effect.ALLOW:
        return ManageAuthorization(caller=credential.user_arn, detail=detail)
    text = f"User: {credential.user_arn} is not authorized to perform: {ACTION} on resource: {resource_arn}"
    if decision.effect == Effect.DENY:
        text += " with an explicit deny"
    else:
        text += f" because no identity-based policy allows the {ACTION} action"
    return ManageAuthorization(refusal=_refuse(403, "ForbiddenException", text), detail=detail)
