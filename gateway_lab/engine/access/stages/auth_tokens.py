"""Cognito user pool authorizers (REST, §7.4) and JWT authorizers (HTTP APIs, §7.3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...context import Context
from ...stages.base import record
from ...text import Message, Text
from ...trace import Outcome, StageName, Step
from ..authorizers import identity_sources, identity_value
from ..directory import access_of
from ..iam_policy import Effect
from ..jwt_check import UNCONFIRMED_DESCRIPTIONS, bearer_token, check_cognito, check_jwt, claims_for_context
from .common import ACCESS_MS, authorizer_error, combined_with_policy, deny, policy_denied, unauthorized

STAGE = StageName.AUTH
NO_JWKS = Text("The lab fetches no JWKS over the network: the issuer must be one of the lab's user pools.")()
NO_POOL = Text("User pool not found")
NO_POOL_WHY = Text("No lab user pool matches {where}.")
PROVIDER_ARNS = Text("providerARNs {arns}")
ISSUER = Text("issuer {issuer}")
COGNITO_REJECTED = Text("Cognito token rejected")
UNAUTHORIZED_WHY = Text("401 Unauthorized: {why}.")
COGNITO_VALID = Text("Cognito token valid")
COGNITO_VALID_WHY = Text("{why:cap}; its claims go to the integration.")
JWT_REJECTED = Text("JWT rejected")
JWT_REJECTED_WHY = Text("{status} {message}: {why}.")
JWT_VALID = Text("JWT valid")
JWT_VALID_WHY = Text("{why:cap}.")


def _token(ctx: Context, authorizer: Mapping[str, Any]) -> str | None:
    sources = identity_sources(authorizer) or ["method.request.header.Authorization"]
    raw = identity_value(sources[0], request=ctx.request, stage_variables=ctx.stage_variables, context={})
    return bearer_token(raw)


def _no_pool(ctx: Context, where: Message, lesson: str) -> Step:
    return authorizer_error(
        ctx,
        title=NO_POOL(),
        reason=NO_POOL_WHY(where=where),
        fact="7.4",
        lesson=lesson,
        fidelity=NO_JWKS,
    )


def cognito_step(ctx: Context, authorizer: Mapping[str, Any]) -> Step:
    lesson = "security#cognito"
    arns = authorizer.get("providerARNs") or [""]
    pool = access_of(ctx).pool_for_arn(str(arns[0]))
    if pool is None:
        return _no_pool(ctx, PROVIDER_ARNS(arns=str(list(arns))), lesson)
    scopes = ctx.match.method.authorization_scopes if ctx.match else ()
    check = check_cognito(
        _token(ctx, authorizer), jwks=pool.jwks(), issuer=pool.issuer, scopes=scopes, now_s=ctx.now_ms / 1000
    )
    detail = {"user_pool": pool.pool_id, "method_scopes": list(scopes), "claims": dict(check.claims)}
    if not check.ok:
        return unauthorized(
            ctx,
            title=COGNITO_REJECTED(),
            reason=UNAUTHORIZED_WHY(why=check.reason_msg or check.reason),
            detail=detail,
            fact="7.4",
            lesson=lesson,
        )
    if combined_with_policy(ctx, Effect.SILENT) != Effect.ALLOW and "resource_policy_effect" in ctx.facts:
        return policy_denied(ctx, lesson=lesson)
    ctx.authorizer = {"claims": claims_for_context(check.claims)}
    ctx.principal = str(check.claims.get("sub"))
    return record(
        ctx,
        STAGE,
        Outcome.PASS,
        COGNITO_VALID(),
        COGNITO_VALID_WHY(why=check.reason_msg or check.reason),
        detail=detail,
        duration_ms=ACCESS_MS,
        fact="7.4",
        lesson=lesson,
    )


def jwt_step(ctx: Context, authorizer: Mapping[str, Any]) -> Step:
    lesson = "security#jwt"
    config = authorizer.get("jwtConfiguration") or {}
    issuer = str(config.get("issuer", ""))
    pool = access_of(ctx).pool_for_issuer(issuer)
    if pool is None:
        return _no_pool(ctx, ISSUER(issuer=repr(issuer)), lesson)
    scopes = ctx.match.method.authorization_scopes if ctx.match else ()
    audience = list(config.get("audience") or ())
    check = check_jwt(
        _token(ctx, authorizer),
        jwks=pool.jwks(),
        issuer=issuer.rstrip("/"),
        audience=audience,
        scopes=scopes,
        now_s=ctx.now_ms / 1000,
    )
    detail = {
        "issuer": issuer,
        "audience": audience,
        "route_scopes": list(scopes),
        "claims": dict(check.claims),
    }
    if not check.ok:
        headers = (("www-authenticate", check.www_authenticate),) if check.www_authenticate else ()
        kind = "UNAUTHORIZED" if check.status == 401 else "ACCESS_DENIED"
        return deny(
            ctx,
            STAGE,
            response_type=kind,
            status=check.status,
            message=check.message,
            headers=headers,
            title=JWT_REJECTED(),
            reason=JWT_REJECTED_WHY(
                status=str(check.status), message=check.message, why=check.reason_msg or check.reason
            ),
            detail=detail,
            fact="7.3",
            lesson=lesson,
            fidelity=UNCONFIRMED_DESCRIPTIONS,
        )
    ctx.authorizer = {
        "jwt": {"claims": claims_for_context(check.claims), "scopes": list(check.scopes) or None}
    }
    ctx.principal = str(check.claims.get("sub"))
    return record(
        ctx,
        STAGE,
        Outcome.PASS,
        JWT_VALID(),
        JWT_VALID_WHY(why=check.reason_msg or check.reason),
        detail=detail,
        duration_ms=ACCESS_MS,
        fact="7.3",
        lesson=lesson,
    )
