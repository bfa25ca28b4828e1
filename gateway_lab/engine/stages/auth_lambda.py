"""Lambda authorizers (§7.2 REST TOKEN/REQUEST, §7.3 HTTP REQUEST 1.0/2.0) with the result cache."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .. import authorizers as az
from ..context import Context
from ..iam_policy import Effect
from ..model import ApiType
from ..trace import Outcome, StageName, Step
from .access_common import deny, request_arn
from .auth import combined_with_policy
from .base import fmt, record

STAGE, LESSON, FACT = StageName.AUTH, "security#lambda-authorizers", "7.2"


def _event(ctx: Context, authorizer: Mapping[str, Any], values: list[str], arn: str) -> dict[str, Any]:
    from ..integrations.events import http_v2_event, rest_event, websocket_event_for_call
    from .integration import build_call

    call = build_call(ctx)
    if ctx.api.api_type == ApiType.WEBSOCKET:  # REQUEST only: the $connect event's request parts (§9)
        return az.rest_request_event(websocket_event_for_call(call), arn=arn)
    if ctx.api.api_type == ApiType.HTTP:
        version = str(authorizer.get("authorizerPayloadFormatVersion", "2.0"))
        base = http_v2_event(call) if version == "2.0" else rest_event(call)
        return az.http_request_event(base, arn=arn, version=version, values=values)
    if str(authorizer.get("type", "TOKEN")).upper() == "TOKEN":
        return az.token_event(token=values[0], arn=arn)
    return az.rest_request_event(rest_event(call), arn=arn)


def _payload_version(ctx: Context, authorizer: Mapping[str, Any]) -> str:
    """HTTP APIs choose 1.0 or 2.0 (default 2.0); a WebSocket event has one shape, REST's (§7.3, §9)."""
    if ctx.api.api_type == ApiType.WEBSOCKET:
        return "1.0"
    return str(authorizer.get("authorizerPayloadFormatVersion", "2.0"))


def _invoke(ctx: Context, authorizer: Mapping[str, Any], event: dict[str, Any]) -> Any:
    from ..integrations.lambda_invoke import invoke_function
    from .integration import build_call

    timeout = (
        10_000 if ctx.api.api_type == ApiType.HTTP else 29_000
    )  # §5.1: HTTP authorizers answer within 10 s
    target = {
        "handler": authorizer.get("handler"),
        "uri": authorizer.get("authorizerUri", ""),
        "timeoutInMillis": timeout,
    }
    return invoke_function(
        replace(build_call(ctx), integration={k: v for k, v in target.items() if v}), ctx.runtime, event
    )


def _failure(ctx: Context, outcome: Any, detail: dict[str, Any]) -> Step | None:
    """Map a failed invocation: the exact error "Unauthorized" is 401, anything else 500 (§7.2)."""
    if outcome.timed_out or outcome.error:
        if outcome.error and outcome.error.get("errorMessage") == "Unauthorized":
            return deny(
                ctx,
                STAGE,
                response_type="UNAUTHORIZED",
                status=401,
                message="Unauthorized",
                title="Authorizer said Unauthorized",
                reason="The function raised 'Unauthorized', so the client gets 401.",
                detail=detail,
                duration_ms=outcome.duration_ms,
                fact=FACT,
                lesson=LESSON,
            )
        why = "timed out" if outcome.timed_out else f"failed: {outcome.error}"
        return _broken(ctx, f"The authorizer {why}.", detail, outcome.duration_ms)
    return None


def _broken(ctx: Context, reason: str, detail: dict[str, Any], duration_ms: float) -> Step:
    rest = ctx.api.api_type == ApiType.REST
    return deny(
        ctx,
        STAGE,
        response_type="AUTHORIZER_CONFIGURATION_ERROR",
        status=500,
        title="Authorizer error",
        message="Internal server error" if rest else "Internal Server Error",
        body=b'{"message": null}' if rest else None,
        reason=reason + " The client gets 500.",
        detail=detail,
        duration_ms=duration_ms,
        fact="7.2",
        lesson=LESSON,
    )


def lambda_step(ctx: Context, authorizer: Mapping[str, Any]) -> Step:
    values, missing = az.resolve_identity(
        az.identity_sources(authorizer),
        request=ctx.request,
        stage_variables=ctx.stage_variables,
        context={"routeKey": ctx.match.route_key, "httpMethod": ctx.request.method, "path": ctx.request.path},
    )
    regex = authorizer.get("identityValidationExpression")
    if missing or (regex and not re.fullmatch(str(regex), values[0])):
        why = (
            f"identity source {missing} is missing or empty"
            if missing
            else "the token does not match identityValidationExpression"
        )
        return deny(
            ctx,
            STAGE,
            response_type="UNAUTHORIZED",
            status=401,
            message="Unauthorized",
            title="No identity, no call",
            reason=f"401 without invoking the function: {why}.",
            fact=FACT,
            lesson=LESSON,
        )
    arn, ttl = request_arn(ctx), az.ttl_seconds(authorizer)
    key = az.cache_key(
        api_id=ctx.api.id,
        authorizer_id=str(authorizer.get("id") or authorizer.get("authorizerId")),
        values=values,
    )
    cached = ctx.store.get(key) if ttl else None
    detail: dict[str, Any] = {
        "payload_version": _payload_version(ctx, authorizer),
        "method_arn": arn,
        "ttl_s": ttl,
        "cache": "hit" if cached else ("miss" if ttl else "off"),
    }
    duration = 0.0
    if cached is None:
        event = _event(ctx, authorizer, values, arn)
        run = _invoke(ctx, authorizer, event)
        detail |= {"event": event, "handler": run.handler, "result": run.output}
        duration = run.duration_ms
        failed = _failure(ctx, run, detail)
        if failed:
            return failed
        cached = run.output
    simple = bool(authorizer.get("enableSimpleResponses"))
    output = az.parse_output(cached, simple=simple, strict_context=ctx.api.api_type != ApiType.HTTP)
    if output.problem:
        return _broken(ctx, f"Malformed authorizer output: {output.problem}.", detail, duration)
    if ttl and detail["cache"] == "miss":
        ctx.store.put(key, output.to_json() if not simple else cached, ttl_ms=ttl * 1000)
    effect, decision = az.decide(output, arn=arn)
    detail["policy"] = decision.to_dict() if decision else {"isAuthorized": output.is_authorized}
    return _verdict(ctx, output, combined_with_policy(ctx, effect), detail, duration)


def _authorizer_context(ctx: Context, output: az.AuthorizerOutput, version: str) -> dict[str, Any]:
    """Return ``requestContext.authorizer`` for the integration, shaped per API type (§7.2, §7.3)."""
    if ctx.api.api_type != ApiType.HTTP:  # REST and WebSocket: principalId plus string context values
        return {"principalId": output.principal_id, **az.stringified(output.context)}
    if version == "1.0":
        return {**output.context, "principalId": output.principal_id}
    return {"lambda": dict(output.context)}


def _verdict(
    ctx: Context, output: az.AuthorizerOutput, effect: Effect, detail: dict[str, Any], duration: float
) -> Step:
    hit = detail["cache"] == "hit"
    if effect != Effect.ALLOW:
        rest = ctx.api.api_type == ApiType.REST
        text = az.EXPLICIT_DENY if effect == Effect.DENY else az.NOT_AUTHORIZED
        trap = " The policy came from the cache and was written for another request's ARN." if hit else ""
        return deny(
            ctx,
            STAGE,
            response_type="ACCESS_DENIED",
            status=403,
            message=text if rest else "Forbidden",
            capital=rest,
            title="Authorizer policy denies",
            reason=f"{text} ({detail['method_arn']}).{trap}",
            detail=detail,
            duration_ms=duration,
            fact=FACT,
            lesson="security#authorizer-cache" if hit else LESSON,
        )
    ctx.principal = output.principal_id
    ctx.authorizer = _authorizer_context(ctx, output, detail["payload_version"])
    if output.usage_identifier_key:
        ctx.facts["usage_identifier_key"] = output.usage_identifier_key
    source = "from the result cache, no invocation" if hit else f"after a {fmt(duration)} ms invocation"
    return record(
        ctx,
        STAGE,
        Outcome.HIT if hit else Outcome.PASS,
        "Authorizer allows",
        f"The returned policy allows {detail['method_arn']} ({source}).",
        detail=detail,
        duration_ms=duration,
        fact=FACT,
        lesson="security#authorizer-cache" if hit else LESSON,
    )
