"""Cognito user pool authorizers (REST, §7.4) and JWT authorizers (HTTP APIs, §7.3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..access import access_of
from ..authorizers import identity_sources, identity_value
from ..context import Context
from ..iam_policy import Effect
from ..jwt_check import UNCONFIRMED_DESCRIPTIONS, bearer_token, check_cognito, check_jwt, claims_for_context
from ..trace import Outcome, StageName, Step
from .access_common import ACCESS_MS, deny
from .auth import combined_with_policy, policy_denied
from .base import record

STAGE = StageName.AUTH
NO_JWKS = "The lab fetches no JWKS over the network: the issuer must be one of the lab's user pools."


def _token(ctx: Context, authorizer: Mapping[str, Any]) -> str | None:
    sources = identity_sources(authorizer) or ["method.request.header.Authorization"]
    raw = identity_value(sources[0], request=ctx.request, stage_variables=ctx.stage_variables, context={})
    return bearer_token(raw)


def _no_pool(ctx: Context, where: str, lesson: str) -> Step:
    return deny(
        ctx,
        STAGE,
        response_type="AUTHORIZER_CONFIGURATION_ERROR",
        status=500,
        title="User pool not found",
        reason=f"No lab user pool matches {where}.",
        message="Internal server error",
        fact="7.4",
        lesson=lesson,
        fidelity=NO_JWKS,
    )


def cognito_step(ctx: Context, authorizer: Mapping[str, Any]) -> Step:
    lesson = "security#cognito"
    arns = authorizer.get("providerARNs") or [""]
    pool = access_of(ctx).pool_for_arn(str(arns[0]))
    if pool is None:
        return _no_pool(ctx, f"providerARNs {list(arns)}", lesson)
    scopes = ctx.match.method.authorization_scopes
    check = check_cognito(
        _token(ctx, authorizer), jwks=pool.jwks(), issuer=pool.issuer, scopes=scopes, now_s=ctx.now_ms / 1000
    )
    detail = {"user_pool": pool.pool_id, "method_scopes": list(scopes), "claims": dict(check.claims)}
    if not check.ok:
        return deny(
            ctx,
            STAGE,
            response_type="UNAUTHORIZED",
            status=401,
            message="Unauthorized",
            title="Cognito token rejected",
            reason=f"401 Unauthorized: {check.reason}.",
            detail=detail,
            fact="7.4",
            lesson=lesson,
        )
    if combined_with_policy(ctx, Effect.SILENT) != Effect.ALLOW and "resource_policy_effect" in ctx.facts:
        return policy_denied(ctx, STAGE, lesson=lesson)
    ctx.authorizer = {"claims": claims_for_context(check.claims)}
    ctx.principal = str(check.claims.get("sub"))
    return record(
        ctx,
        STAGE,
        Outcome.PASS,
        "Cognito token valid",
        f"{check.reason.capitalize()}; its claims go to the integration.",
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
        return _no_pool(ctx, f"issuer {issuer!r}", lesson)
    scopes = ctx.match.method.authorization_scopes
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
            title="JWT rejected",
            reason=f"{check.status} {check.message}: {check.reason}.",
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
        "JWT valid",
        f"{check.reason.capitalize()}.",
        detail=detail,
        duration_ms=ACCESS_MS,
        fact="7.3",
        lesson=lesson,
    )
