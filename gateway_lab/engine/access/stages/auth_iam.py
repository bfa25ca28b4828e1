"""IAM authorization (§7.1, §5.3): verify SigV4, then the caller's identity policy and the resource policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ...context import Context
from ...model import ApiType
from ...stages.base import record
from ...text import AWS_VERBATIM, Message, Text
from ...trace import Outcome, StageName, Step
from .. import sigv4
from ..directory import access_of, deployment_access
from ..iam_policy import Caller, Effect, PolicyDecision, combine, evaluate, not_authorized_message
from .common import (
    ACCESS_MS,
    access_denied,
    api_arn,
    condition_keys,
    copied_policy_detail,
    deny,
    request_arn,
)

LESSON = "security#iam"

SIGV4_FAILED = Text("SigV4: {error_type}")
NOT_AUTHORIZED = Text("Signature valid, not authorized")
AUTHORIZED = Text("SigV4 valid and authorized")
AUTHORIZED_WHY = Text(
    "The signature checks out for {caller}, and its identity policy allows execute-api:Invoke on {arn}."
)


def signed_view(ctx: Context) -> tuple[Any, str]:
    """Return (request, path) as the client signed them: its own Host and the path with the stage."""
    request = ctx.request
    host = ctx.facts.get("client_host")  # the Host the client really used (the endpoint stage replaced it)
    if host and request.headers.get("Host") != host:
        request = replace(request, headers=request.headers.with_header("Host", host))
    default = request.path if ctx.stage.name == "$default" else f"/{ctx.stage.name}{request.path}"
    return request, ctx.facts.get("client_path") or default


@dataclass(frozen=True, slots=True, kw_only=True)
class _IdentityVerdict:
    """What a caller's identity policy says about one method ARN (§7.1): Invoke, and InvalidateCache
    for the cache stage (§4.3). Kept per deployment while the caller's policy stays the same."""

    policy_json: Mapping[str, Any] | None  # the identity policy it was derived from
    decision: PolicyDecision
    policy: Mapping[str, Any]  # decision.to_dict(), copied into each step
    whys: Mapping[str, Message]
    may_invalidate_cache: bool


MAX_IDENTITIES = 1024  # kept per deployment: (access key, ARN) pairs


def _identity_verdict(ctx: Context, cred: sigv4.LabCredential, arn: str) -> _IdentityVerdict:
    kept = deployment_access(ctx.deployment).identities
    key = (cred.access_key_id, arn)
    found: _IdentityVerdict | None = kept.get(key)
    if found is not None and (found.policy_json is cred.policy or found.policy_json == cred.policy):
        return found
    decision = evaluate(cred.policy, action="execute-api:Invoke", resource=arn)
    invalidate = evaluate(cred.policy, action="execute-api:InvalidateCache", resource=arn)
    found = _IdentityVerdict(
        policy_json=cred.policy,
        decision=decision,
        policy=decision.to_dict(),
        whys=decision.why_messages("identity_policy."),
        may_invalidate_cache=invalidate.effect == Effect.ALLOW,
    )
    if len(kept) >= MAX_IDENTITIES:  # many keys or paths: start over rather than grow
        kept.clear()
    kept[key] = found
    return found


def iam_step(ctx: Context) -> Step:
    stage = StageName.AUTH
    request, raw_path = signed_view(ctx)
    access = access_of(ctx)
    check = sigv4.verify(
        request, credentials=access.credentials, region=ctx.api.region, now_ms=ctx.now_ms, raw_path=raw_path
    )
    if isinstance(check, sigv4.SigV4Refused):
        err = check.error
        return deny(
            ctx,
            stage,
            response_type=err.gateway_response_type,
            status=err.status,
            message=err.message,
            title=SIGV4_FAILED(error_type=err.error_type),
            reason=AWS_VERBATIM(aws=err.message),
            detail={"error_type": err.error_type, **check.detail_dict()},
            fact="5.3",
            lesson=LESSON,
        )
    cred = check.credential
    arn = request_arn(ctx)
    identity = _identity_verdict(ctx, cred, arn)
    effect, policy_detail = identity.decision.effect, None
    whys = dict(identity.whys)
    if ctx.api.policy:
        caller = Caller(arn=cred.user_arn, account_id=cred.account_id)
        resource = evaluate(
            ctx.api.policy,
            action="execute-api:Invoke",
            resource=arn,
            caller=caller,
            keys=condition_keys(ctx),
            api_arn=api_arn(ctx),
        )
        same = cred.account_id == ctx.account.account_id
        effect, policy_detail = (
            combine(auth=identity.decision.effect, resource_policy=resource.effect, same_account=same),
            resource.to_dict(),
        )
        whys |= resource.why_messages("resource_policy.")
    detail = {
        **check.detail_dict(),
        "caller": cred.user_arn,
        "resource": arn,
        "identity_policy": copied_policy_detail(identity.policy),
        "resource_policy": policy_detail,
    }
    if effect != Effect.ALLOW:
        message = not_authorized_message(
            user=cred.user_arn,
            resource=arn,
            explicit=effect == Effect.DENY,
            identity_policy=policy_detail is None,
        )
        return access_denied(
            ctx,
            stage,
            title=NOT_AUTHORIZED(),
            reason=AWS_VERBATIM(aws=message),
            message=message,
            detail=detail,
            fact="7.5",
            lesson=LESSON,
            detail_msgs=whys,
        )
    ctx.principal = cred.user_arn
    ctx.identity.update(
        {
            "accessKey": cred.access_key_id,
            "accountId": cred.account_id,
            "caller": cred.user_arn.rpartition("/")[2],
            "user": cred.user_arn.rpartition("/")[2],
            "userArn": cred.user_arn,
        }
    )
    if ctx.api.api_type == ApiType.HTTP:
        ctx.authorizer = {
            "iam": {
                "accessKey": cred.access_key_id,
                "accountId": cred.account_id,
                "callerId": cred.user_arn.rpartition("/")[2],
                "cognitoIdentity": None,
                "principalOrgId": None,
                "userArn": cred.user_arn,
                "userId": cred.user_arn.rpartition("/")[2],
            }
        }
    ctx.authorized_for_cache_invalidation = identity.may_invalidate_cache
    return record(
        ctx,
        stage,
        Outcome.PASS,
        AUTHORIZED(),
        AUTHORIZED_WHY(caller=cred.user_arn, arn=arn),
        detail=detail,
        duration_ms=ACCESS_MS,
        fact="7.1",
        lesson=LESSON,
        detail_msgs=whys,
    )
