"""Lambda authorizers (§7.2 REST TOKEN/REQUEST, §7.3 HTTP REQUEST 1.0/2.0) with the result cache."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ... import bounded_regex
from ...context import Context
from ...integrations.events import http_v2_event, rest_event, websocket_event_for_call
from ...integrations.lambda_invoke import invoke_function
from ...model import ApiType
from ...stages.base import record
from ...stages.integration import build_call
from ...text import Message, Text
from ...trace import Outcome, StageName, Step
from .. import authorizers as az
from ..directory import deployment_access
from ..iam_policy import Effect
from .common import (
    access_denied,
    authorizer_error,
    combined_with_policy,
    copied_policy_detail,
    request_arn,
    unauthorized,
)

STAGE, LESSON, FACT = StageName.AUTH, "security#lambda-authorizers", "7.2"

SAID_UNAUTHORIZED = Text("Authorizer said Unauthorized")
SAID_UNAUTHORIZED_WHY = Text("The function raised 'Unauthorized', so the client gets 401.")
TIMED_OUT = Text("The authorizer timed out.")
FAILED = Text("The authorizer failed: {error}.")
BROKEN = Text("Authorizer error")
BROKEN_WHY = Text("{why} The client gets 500.")
IDENTITY_MISSING = Text("identity source {sources} is missing or empty")
NO_REGEX_MATCH = Text("the token does not match identityValidationExpression")
NO_IDENTITY = Text("No identity, no call")
NO_IDENTITY_WHY = Text("401 without invoking the function: {why}.")
MALFORMED = Text("Malformed authorizer output: {problem}.")
DENIES = Text("Authorizer policy denies")
DENIES_WHY = Text("{aws} ({arn}).")
DENIES_CACHED_WHY = Text(
    "{aws} ({arn}). The policy came from the cache and was written for another request's ARN."
)
ALLOWS = Text("Authorizer allows")
# authorizers.parse_output's reasons (English there), as messages.
_PROBLEMS = {
    text: Text(text)
    for text in (
        "the authorizer returned something other than a JSON object",
        "context must be a JSON object",
        "context values must be strings, numbers or booleans, not objects or arrays",
        "a simple response needs a boolean isAuthorized",
        "the output has no policyDocument with a Statement",
        "the output has no principalId",
    )
}
ALLOWS_CACHED = Text("The returned policy allows {arn} (from the result cache, no invocation).")
ALLOWS_INVOKED = Text("The returned policy allows {arn} (after a {duration} ms invocation).")


def _event(ctx: Context, authorizer: Mapping[str, Any], values: list[str], arn: str) -> dict[str, Any]:
    call = build_call(ctx)
    if ctx.api.api_type == ApiType.WEBSOCKET:  # REQUEST only: the $connect event's request parts (§9)
        return az.rest_request_event(websocket_event_for_call(call), arn=arn)
    if ctx.api.api_type == ApiType.HTTP:
        version = str(authorizer.get("authorizerPayloadFormatVersion", "2.0"))
        base = http_v2_event(call) if version == "2.0" else rest_event(call)
        return az.http_request_event(base, arn=arn, version=version, values=values, stage=call.stage)
    if str(authorizer.get("type", "TOKEN")).upper() == "TOKEN":
        return az.token_event(token=values[0], arn=arn)
    return az.rest_request_event(rest_event(call), arn=arn)


def _kind(ctx: Context, authorizer: Mapping[str, Any]) -> dict[str, str]:
    """HTTP APIs choose payload 1.0 or 2.0 (default 2.0, §7.3); REST authorizers are TOKEN or REQUEST
    and have no payload version (§7.2); WebSocket authorizers are REQUEST only (§9)."""
    if ctx.api.api_type == ApiType.HTTP:
        return {"payload_version": str(authorizer.get("authorizerPayloadFormatVersion", "2.0"))}
    if ctx.api.api_type == ApiType.WEBSOCKET:
        return {"authorizer_type": "REQUEST"}
    return {"authorizer_type": str(authorizer.get("type", "TOKEN")).upper()}


def _invoke(ctx: Context, authorizer: Mapping[str, Any], event: dict[str, Any]) -> Any:
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
            return unauthorized(
                ctx,
                title=SAID_UNAUTHORIZED(),
                reason=SAID_UNAUTHORIZED_WHY(),
                detail=detail,
                duration_ms=outcome.duration_ms,
                fact=FACT,
                lesson=LESSON,
            )
        why = TIMED_OUT() if outcome.timed_out else FAILED(error=str(outcome.error))
        return _broken(ctx, why, detail, outcome.duration_ms)
    return None


def _broken(ctx: Context, reason: Message, detail: dict[str, Any], duration_ms: float) -> Step:
    rest = ctx.api.api_type == ApiType.REST
    return authorizer_error(
        ctx,
        title=BROKEN(),
        message="Internal server error" if rest else "Internal Server Error",
        body=b'{"message": null}' if rest else None,
        reason=BROKEN_WHY(why=reason),
        detail=detail,
        duration_ms=duration_ms,
        fact="7.2",
        lesson=LESSON,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Settings:
    """One authorizer's settings, read once per deployment (they are part of the snapshot)."""

    authorizer: Mapping[str, Any]  # the definition they were read from
    authorizer_id: str
    sources: tuple[str, ...]
    headers: tuple[str, ...] | None  # the header names, when every source is a header
    needs_context: bool  # a source reads $context (routeKey, httpMethod, path)
    regex: str | None  # identityValidationExpression
    ttl: int
    kind: Mapping[str, str]  # authorizer_type or payload_version, for the step's detail
    simple: bool  # enableSimpleResponses


@dataclass(frozen=True, slots=True, kw_only=True)
class _Judged:
    """An authorizer output checked and evaluated against one method ARN (§7.2)."""

    value: Any  # the output as the result cache holds it
    output: az.AuthorizerOutput
    effect: Effect
    policy: Mapping[str, Any]  # the step's detail["policy"]
    whys: dict[str, Message]
    context: dict[str, Any]  # requestContext.authorizer on Allow
    nested: bool  # HTTP payload 2.0: the context sits under "lambda"
    allows: Message  # the reason of an Allow from the cache


MAX_VERDICTS = 1024  # cached verdicts kept per deployment: (token, ARN) pairs


def _settings(ctx: Context, authorizer: Mapping[str, Any]) -> _Settings:
    kept = deployment_access(ctx.deployment).authorizers
    authorizer_id = str(authorizer.get("id") or authorizer.get("authorizerId"))
    found: _Settings | None = kept.get(authorizer_id)
    if found is not None and found.authorizer is authorizer:
        return found
    sources = tuple(az.identity_sources(authorizer))
    names = [az.header_source(source) for source in sources]
    regex = authorizer.get("identityValidationExpression")
    found = _Settings(
        authorizer=authorizer,
        authorizer_id=authorizer_id,
        sources=sources,
        headers=None if None in names else tuple(n for n in names if n is not None),
        needs_context=any("context." in source for source in sources),
        regex=str(regex) if regex else None,
        ttl=az.ttl_seconds(authorizer),
        kind=_kind(ctx, authorizer),
        simple=bool(authorizer.get("enableSimpleResponses")),
    )
    kept[authorizer_id] = found
    return found


def _identity_context(ctx: Context) -> dict[str, Any]:
    route_key = ctx.match.route_key if ctx.match is not None else None
    return {"routeKey": route_key, "httpMethod": ctx.request.method, "path": ctx.request.path}


def lambda_step(ctx: Context, authorizer: Mapping[str, Any]) -> Step:
    settings = _settings(ctx, authorizer)
    if settings.headers is not None:
        values, missing = az.header_identity(ctx.request.headers, settings.headers, settings.sources)
    else:
        values, missing = az.resolve_identity(
            settings.sources,
            request=ctx.request,
            stage_variables=ctx.stage_variables,
            context=_identity_context(ctx) if settings.needs_context else {},
        )
    regex = settings.regex
    if missing or (regex and bounded_regex.fullmatch(regex, values[0]) is not True):
        why = IDENTITY_MISSING(sources=str(missing)) if missing else NO_REGEX_MATCH()
        return unauthorized(
            ctx,
            title=NO_IDENTITY(),
            reason=NO_IDENTITY_WHY(why=why),
            fact=FACT,
            lesson=LESSON,
        )
    arn, ttl = request_arn(ctx), settings.ttl
    key = az.cache_key(api_id=ctx.api.id, authorizer_id=settings.authorizer_id, values=values)
    cached = ctx.store.get(key) if ttl else None
    if cached:
        return _from_cache(ctx, settings, key, arn, cached)
    detail: dict[str, Any] = {
        **settings.kind,
        "method_arn": arn,
        "ttl_s": ttl,
        "cache": "miss" if ttl else "off",
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
    output = az.parse_output(cached, simple=settings.simple, strict_context=ctx.api.api_type != ApiType.HTTP)
    if output.problem:
        return _broken(ctx, MALFORMED(problem=_problem(str(output.problem))), detail, duration)
    value = cached
    if ttl and detail["cache"] == "miss":
        value = output.to_json() if not settings.simple else cached
        ctx.store.put(key, value, ttl_ms=ttl * 1000)
    judged = _judge(ctx, settings, output, arn, value)
    if ttl:  # the next request with this identity and ARN reads its verdict instead of re-deriving it
        _remember(ctx, (key, arn), judged)
    detail["policy"] = copied_policy_detail(judged.policy)
    return _verdict(ctx, judged, combined_with_policy(ctx, judged.effect), detail, duration, hit=False)


def _from_cache(ctx: Context, settings: _Settings, key: str, arn: str, cached: Any) -> Step:
    """A result-cache hit (§7.2): no invocation, and the cached output's verdict for this ARN is
    derived once and reused while the cache holds the same output."""
    detail: dict[str, Any] = {**settings.kind, "method_arn": arn, "ttl_s": settings.ttl, "cache": "hit"}
    judged = deployment_access(ctx.deployment).verdicts.get((key, arn))
    if judged is None or (judged.value is not cached and judged.value != cached):
        output = az.parse_output(
            cached, simple=settings.simple, strict_context=ctx.api.api_type != ApiType.HTTP
        )
        if output.problem:
            return _broken(ctx, MALFORMED(problem=_problem(str(output.problem))), detail, 0.0)
        judged = _judge(ctx, settings, output, arn, cached)
        _remember(ctx, (key, arn), judged)
    detail["policy"] = copied_policy_detail(judged.policy)
    return _verdict(ctx, judged, combined_with_policy(ctx, judged.effect), detail, 0.0, hit=True)


def _judge(ctx: Context, settings: _Settings, output: az.AuthorizerOutput, arn: str, value: Any) -> _Judged:
    effect, decision = az.decide(output, arn=arn)
    version = settings.kind.get("payload_version", "")
    return _Judged(
        value=value,
        output=output,
        effect=effect,
        policy=decision.to_dict() if decision else {"isAuthorized": output.is_authorized},
        whys=decision.why_messages("policy.") if decision else {},
        context=_authorizer_context(ctx, output, version),
        nested=ctx.api.api_type == ApiType.HTTP and version != "1.0",
        allows=ALLOWS_CACHED(arn=arn),
    )


def _remember(ctx: Context, key: tuple[str, str], judged: _Judged) -> None:
    verdicts = deployment_access(ctx.deployment).verdicts
    if len(verdicts) >= MAX_VERDICTS:  # many tokens or paths: start over rather than grow
        verdicts.clear()
    verdicts[key] = judged


def _problem(problem: str) -> Message | str:
    text = _PROBLEMS.get(problem)
    return text() if text is not None else problem


def _authorizer_context(ctx: Context, output: az.AuthorizerOutput, version: str) -> dict[str, Any]:
    """Return ``requestContext.authorizer`` for the integration, shaped per API type (§7.2, §7.3)."""
    if ctx.api.api_type != ApiType.HTTP:  # REST and WebSocket: principalId plus string context values
        return {"principalId": output.principal_id, **az.stringified(output.context)}
    if version == "1.0":
        return {**output.context, "principalId": output.principal_id}
    return {"lambda": dict(output.context)}


def _verdict(
    ctx: Context, judged: _Judged, effect: Effect, detail: dict[str, Any], duration: float, *, hit: bool
) -> Step:
    if effect != Effect.ALLOW:
        rest = ctx.api.api_type == ApiType.REST
        text = az.EXPLICIT_DENY if effect == Effect.DENY else az.NOT_AUTHORIZED
        return access_denied(
            ctx,
            STAGE,
            status=403,
            message=text if rest else "Forbidden",
            capital=rest,
            title=DENIES(),
            reason=(DENIES_CACHED_WHY if hit else DENIES_WHY)(aws=text, arn=detail["method_arn"]),
            detail=detail,
            duration_ms=duration,
            fact=FACT,
            lesson="security#authorizer-cache" if hit else LESSON,
            detail_msgs=judged.whys,
        )
    output = judged.output
    ctx.principal = output.principal_id
    context = judged.context
    # A fresh dict per request: the integration gets its own, the verdict stays as it was.
    ctx.authorizer = {"lambda": dict(context["lambda"])} if judged.nested else dict(context)
    if output.usage_identifier_key:
        ctx.facts["usage_identifier_key"] = output.usage_identifier_key
    return record(
        ctx,
        STAGE,
        Outcome.HIT if hit else Outcome.PASS,
        ALLOWS(),
        judged.allows if hit else ALLOWS_INVOKED(arn=detail["method_arn"], duration=duration),
        detail=detail,
        duration_ms=duration,
        fact=FACT,
        lesson="security#authorizer-cache" if hit else LESSON,
        detail_msgs=judged.whys,
    )
