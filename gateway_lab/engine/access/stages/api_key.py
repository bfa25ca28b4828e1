"""API key stage (§3.2, §3.3): the key a method requires, its usage plan's throttle, then its quota.

Runs before the stage/method/account throttles, as AWS applies per-client limits first (§3.2) and
logs the usage-plan check before "Starting execution" (§3.3).
"""

from __future__ import annotations

from typing import Any

from ... import token_bucket
from ...context import Context
from ...model import Api, ApiType, Method
from ...stages.base import record, stamp, template
from ...text import Message, Text
from ...trace import Outcome, StageName, Step
from ..directory import access_of
from ..usage_plan import UsagePlan, find_key, find_plan, masked, quota_window, spend_quota
from .common import deny

LESSON, STAGE = "security#api-keys", StageName.API_KEY

HTTP_NO_KEYS = Text("HTTP APIs have no API keys.")
WS_CONNECT_ONLY = Text("WebSocket APIs check API keys on the $connect route only.")
WS_CONNECT_OPEN = Text("The $connect route does not require an API key.")
# AWS logs "Request will not contribute to throttle or quota limits" here (§3.3): it means the
# usage plan's limits. The stage and account throttles still spend a token on this request (§3.2).
NOT_REQUIRED = Text(
    "Method '{method}' does not require an API key, so no usage plan meters this request: it counts "
    "toward no usage-plan throttle or quota. The stage and account throttles still apply next."
)
NO_KEY_NEEDED = Text("No API key needed")
REFUSED = Text("API key refused")
KEY_MISSING = Text("The method requires an API key and the key is missing: 403 Forbidden.")
KEY_DISABLED = Text("The method requires an API key and the key is disabled: 403 Forbidden.")
KEY_UNKNOWN = Text("The method requires an API key and the key is not a known key: 403 Forbidden.")
NO_PLAN = Text("Key {key} is in no usage plan for API stage {api_stage}.")
PLAN_THROTTLED = Text("Usage-plan throttle")
PLAN_THROTTLED_WHY = Text(
    "API Key {key} exceeded throttle limit for API Stage {api_stage}: Key throttle limit exceeded "
    "for Usage Plan ID {plan}. Limit: {rate:.2f} Burst: {burst:d}"
)
QUOTA_EXHAUSTED = Text("Quota exhausted")
QUOTA_EXHAUSTED_WHY = Text(
    "API Key {key} exceeded quota limit for API Stage {api_stage}: Key quota exhausted for "
    "Usage Plan ID {plan}. Quota Limit: {limit:d} Period: {period}"
)
PLAN_OK = Text("Usage plan check succeeded")
PLAN_OK_WHY = Text("Usage Plan check succeeded for API Key {key} and API Stage {api_stage}.")
PLAN_OK_QUOTA_WHY = Text(
    "Usage Plan check succeeded for API Key {key} and API Stage {api_stage}. Quota left: {left}."
)


# WebSocket APIs name the key's source with apiKeySelectionExpression; these are its two values (§1.1).
WS_KEY_FROM_HEADER = "$request.header.x-api-key"
WS_KEY_FROM_AUTHORIZER = "$context.authorizer.usageIdentifierKey"


def _key_value(ctx: Context) -> str | None:
    if ctx.api.api_type == ApiType.WEBSOCKET:
        from_authorizer = ctx.api.raw.get("apiKeySelectionExpression") == WS_KEY_FROM_AUTHORIZER
    else:
        from_authorizer = ctx.api.api_key_source == "AUTHORIZER"
    if from_authorizer:
        return ctx.facts.get("usage_identifier_key")
    return ctx.request.headers.get("x-api-key")


def _skip_reason(ctx: Context) -> Message | None:
    """Say why this request needs no key, or return None when it needs one (§1.1, §3.3)."""
    method = ctx.match.method if ctx.match else None
    if ctx.api.api_type == ApiType.HTTP:
        return HTTP_NO_KEYS()
    if ctx.api.api_type == ApiType.WEBSOCKET:
        if method is None or ctx.match is None or ctx.match.route_key != "$connect":
            return WS_CONNECT_ONLY()
        return None if method.api_key_required else WS_CONNECT_OPEN()
    if method is not None and method.api_key_required:
        return None
    label = f"{ctx.request.method} {ctx.match.resource_path if ctx.match else ctx.request.path}"
    return NOT_REQUIRED.cached(method=label)


def _forbidden(ctx: Context, reason: Message) -> Step:
    return deny(
        ctx,
        STAGE,
        response_type="INVALID_API_KEY",
        status=403,
        message="Forbidden",
        title=REFUSED(),
        reason=reason,
        fact="3.3",
        lesson=LESSON,
    )


def _skip_step(why: Message | None) -> Step | None:
    return (
        None
        if why is None
        else template(STAGE, Outcome.SKIP, NO_KEY_NEEDED(), why, fact="3.3", lesson=LESSON)
    )


class ApiKeyStage:
    name = STAGE

    def __init__(self) -> None:
        # (id(api), id(method), HTTP method) → (api, method, skip step or None). Whether a method
        # needs a key is fixed by the deployment: a skip is decided and recorded once per method,
        # then stamped per request. One per pipeline.
        self._skips: dict[tuple[int, int, str], tuple[Api, Method, Step | None]] = {}

    def _skip(self, ctx: Context) -> Step | None:
        """Return the skip step (to stamp) when this request needs no key, or None when it needs one."""
        if ctx.match is None:  # nothing matched (a WebSocket message without a route): decided here
            return _skip_step(_skip_reason(ctx))
        api, method = ctx.api, ctx.match.method
        key = (id(api), id(method), ctx.request.method)
        kept = self._skips.get(key)
        if kept is not None and kept[0] is api and kept[1] is method:
            return kept[2]
        skip = _skip_step(_skip_reason(ctx))
        if len(self._skips) > 512:  # edited and redeployed APIs leave old snapshots behind
            self._skips.clear()
        self._skips[key] = (api, method, skip)
        return skip

    def evaluate(self, ctx: Context) -> Step:
        skip = self._skip(ctx)
        if skip is not None:
            return stamp(ctx, skip)
        access = access_of(ctx)
        value = _key_value(ctx)
        key = find_key(access.api_keys, value)
        if key is None or not key.enabled:
            state = KEY_MISSING if not value else (KEY_DISABLED if key else KEY_UNKNOWN)
            return _forbidden(ctx, state())
        plan = find_plan(access.usage_plans, key_id=key.id, api_id=ctx.api.id, stage=ctx.stage.name)
        if plan is None:
            return _forbidden(ctx, NO_PLAN(key=masked(key.value), api_stage=f"{ctx.api.id}/{ctx.stage.name}"))
        ctx.api_key, ctx.api_key_id = key.value, key.id
        ctx.usage_plan = {"id": plan.id, "name": plan.name}
        ctx.identity.update({"apiKey": key.value, "apiKeyId": key.id})
        return self._meter(ctx, plan, key.id, masked(key.value))

    def _meter(self, ctx: Context, plan: UsagePlan, key_id: str, shown: str) -> Step:
        method_key = f"{ctx.match.resource_path if ctx.match else ctx.request.path}/{ctx.request.method}"
        level, limit = plan.limit_for(ctx.api.id, ctx.stage.name, method_key)
        detail: dict[str, Any] = {"api_key": shown, "usage_plan": plan.id, "throttle_level": level}
        if limit is not None:
            bucket = f"bucket:plan:{plan.id}:{key_id}:{method_key if level == 'method' else '*'}"
            took = token_bucket.take_from(ctx.store, bucket, ctx.now_ms, rate=limit.rate, burst=limit.burst)
            detail |= {
                "rate": limit.rate,
                "burst": limit.burst,
                "tokens_before": round(took.tokens_before, 3),
                "tokens_after": round(took.tokens_after, 3),
            }
            if not took.admitted:
                reason = PLAN_THROTTLED_WHY(
                    key=shown,
                    api_stage=f"{ctx.api.id}/{ctx.stage.name}",
                    plan=plan.id,
                    rate=limit.rate,
                    burst=limit.burst,
                )
                return deny(
                    ctx,
                    STAGE,
                    response_type="THROTTLED",
                    status=429,
                    message="Too Many Requests",
                    title=PLAN_THROTTLED(),
                    reason=reason,
                    detail=detail,
                    fact="3.3",
                    lesson="performance#throttling",
                )
        if plan.quota is not None:
            start, end = quota_window(plan.quota, ctx.now_ms)
            counter = f"quota:{plan.id}:{key_id}:{int(start)}"
            admitted, used = spend_quota(ctx.store, counter, plan.quota.limit, ttl_ms=end - ctx.now_ms)
            detail |= {"quota_limit": plan.quota.limit, "quota_period": plan.quota.period, "quota_used": used}
            if not admitted:
                reason = QUOTA_EXHAUSTED_WHY(
                    key=shown,
                    api_stage=f"{ctx.api.id}/{ctx.stage.name}",
                    plan=plan.id,
                    limit=plan.quota.limit,
                    period=plan.quota.period,
                )
                return deny(
                    ctx,
                    STAGE,
                    response_type="QUOTA_EXCEEDED",
                    status=429,
                    message="Limit Exceeded",
                    title=QUOTA_EXHAUSTED(),
                    reason=reason,
                    detail={**detail, "quota_remaining": 0},
                    fact="3.3",
                    lesson=LESSON,
                )
            detail["quota_remaining"] = plan.quota.limit - used
        api_stage = f"{ctx.api.id}/{ctx.stage.name}"
        if "quota_remaining" in detail:
            why = PLAN_OK_QUOTA_WHY(key=shown, api_stage=api_stage, left=detail["quota_remaining"])
        else:
            why = PLAN_OK_WHY(key=shown, api_stage=api_stage)
        return record(
            ctx,
            STAGE,
            Outcome.PASS,
            PLAN_OK(),
            why,
            detail=detail,
            duration_ms=0.1,
            fact="3.3",
            lesson=LESSON,
        )
