"""Cache stage (REST only, §4): stage cache cluster, per-method TTL, key parameters, invalidation."""

from __future__ import annotations

from ..context import Context, GatewayError
from ..messages import Response
from ..model import ApiType
from ..text import Message, Text
from ..trace import Outcome, StageName, Step
from . import cache_policy as policy
from .base import MethodMemo, record, stamp, step, template

LOOKUP_MS, HIT_MS = 0.5, 1.0

NOT_USED = Text("Cache not used")
OFF_FOR_METHOD = Text("Caching off for this method")
OFF_FOR_METHOD_WHY = Text("Only GET methods cache by default; {method} needs a per-method override.")
OFF_BY_METHOD_WHY = Text("This method's own setting ({setting}) turns caching off.")
OFF_BY_STAGE_WHY = Text(
    "The stage-wide setting (*/*) turns caching off, and this method has no setting of its own that turns it on."
)
TTL_0 = Text("TTL 0")
TTL_0_WHY = Text("A TTL of 0 seconds disables caching.")
MISS = Text("Cache miss")
MISS_WHY = Text("No live entry for this key; the integration runs and its response is kept for {ttl_s:d} s.")
HIT = Text("Cache hit")
_HIT = HIT()
HIT_WHY = Text(
    "Served from the stage cache: stored {age_s} s ago, expires in {left_s} s. The backend is not called."
)
INVALIDATED = Text("Cache entry invalidated")
INVALIDATED_WHY = Text(
    "The client sent Cache-Control: max-age=0 and may invalidate, so the backend answers "
    "and its response replaces the entry."
)
REFUSED = Text("Invalidation refused (403)")
REFUSED_WHY = Text(
    "The client asked to invalidate (Cache-Control: max-age=0) without execute-api:InvalidateCache "
    "permission, and the method's strategy is FAIL_WITH_403."
)
IGNORED = Text("{title} (invalidation ignored)")
IGNORED_WHY = Text(
    "The client asked to invalidate without permission; the header is ignored ({strategy}). {then}"
)
WARNING_FIDELITY = Text("The Warning header text comes from a third-party emulator (§13).")
LESSON = "performance#caching"


class CacheStage:
    name = StageName.CACHE

    def __init__(self) -> None:
        # Decoding a stored entry costs more than the rest of a hit: keep the last decodings per key.
        self._memo: dict[str, tuple[float, Response]] = {}
        self._plans = MethodMemo(lambda ctx: (policy.effective(ctx), policy.key_plan(ctx)))
        self._skips: dict[int, tuple[Message, Step]] = {}  # id(reason) → (reason, its step)

    def _not_used(self, why_not: Message, api_type: ApiType) -> Step:
        """The step for a request the cache does not apply to: the same per reason (a message kept
        by ``policy.not_applicable``), recorded once and stamped per request."""
        kept = self._skips.get(id(why_not))
        if kept is not None and kept[0] is why_not:
            return kept[1]
        if len(self._skips) > 64:
            self._skips.clear()
        skip = template(
            self.name,
            Outcome.SKIP,
            NOT_USED(),
            why_not,
            fact="4",
            lesson="api-types#comparison" if api_type != ApiType.REST else LESSON,
        )
        self._skips[id(why_not)] = (why_not, skip)
        return skip

    def _decoded(self, key: str, entry: dict) -> Response:  # type: ignore[type-arg]
        memo = self._memo.get(key)
        if memo is not None and memo[0] == entry["stored_ms"]:
            return memo[1]
        response = policy.entry_response(entry)
        if len(self._memo) > 1024:
            self._memo.clear()
        self._memo[key] = (entry["stored_ms"], response)
        return response

    def evaluate(self, ctx: Context) -> Step:
        why_not = policy.not_applicable(ctx)
        if why_not:
            return stamp(ctx, self._not_used(why_not, ctx.api.api_type))
        settings, plan = self._plans.get(ctx)
        if not settings.enabled:
            return record(
                ctx,
                self.name,
                Outcome.SKIP,
                OFF_FOR_METHOD(),
                _why_off(ctx, settings),
                fact="4",
                lesson=LESSON,
            )
        if settings.ttl_s == 0:
            return record(
                ctx,
                self.name,
                Outcome.SKIP,
                TTL_0(),
                TTL_0_WHY(),
                fact="4",
                lesson=LESSON,
            )
        key, parts = policy.cache_key(ctx, plan)
        detail = {"key": key, "key_parts": parts, "ttl_s": settings.ttl_s, "capacity_bytes": plan.capacity}
        if policy.wants_invalidation(ctx):
            return self._invalidate(ctx, key, settings, detail)
        return self._lookup(ctx, key, settings.ttl_s, detail)

    def _lookup(self, ctx: Context, key: str, ttl_s: int, detail: dict) -> Step:  # type: ignore[type-arg]
        entry = ctx.store.get(key)
        now_ms = ctx.arrival_ms + ctx.elapsed_ms  # ctx.now_ms
        if entry is not None and entry["expires_ms"] <= now_ms:
            entry = None  # aged out on the request's clock (the store's own TTL may lag behind it)
        if entry is None:
            ctx.cache_pending = (key, ttl_s * 1000.0)
            return record(
                ctx,
                self.name,
                Outcome.MISS,
                MISS(),
                MISS_WHY(ttl_s=ttl_s),
                detail=detail,
                duration_ms=LOOKUP_MS,
                fact="4",
                lesson=LESSON,
            )
        ctx.response = self._decoded(key, entry)
        age_s = (now_ms - entry["stored_ms"]) / 1000.0
        left_s = (entry["expires_ms"] - now_ms) / 1000.0
        # detail was built for this request alone, so it is completed in place.
        detail["age_s"] = round(age_s, 3)
        detail["expires_in_s"] = round(left_s, 3)
        return step(
            ctx,
            StageName.CACHE,
            Outcome.HIT,
            _HIT,
            HIT_WHY(age_s=age_s, left_s=left_s),
            detail,
            HIT_MS,
            "4",
            LESSON,
        )

    def _invalidate(self, ctx: Context, key: str, settings: policy.Effective, detail: dict) -> Step:  # type: ignore[type-arg]
        authorized = not settings.require_authorization or ctx.authorized_for_cache_invalidation is True
        detail = {**detail, "invalidation_authorized": authorized, "strategy": settings.unauthorized_strategy}
        if authorized:
            ctx.cache_pending = (key, settings.ttl_s * 1000.0)
            return record(
                ctx,
                self.name,
                Outcome.MISS,
                INVALIDATED(),
                INVALIDATED_WHY(),
                detail=detail,
                duration_ms=LOOKUP_MS,
                fact="4",
                lesson="performance#cache-invalidation",
            )
        if settings.unauthorized_strategy == "FAIL_WITH_403":
            ctx.error = GatewayError(response_type="ACCESS_DENIED", message="Forbidden")
            return record(
                ctx,
                self.name,
                Outcome.REJECT,
                REFUSED(),
                REFUSED_WHY(),
                detail=detail,
                duration_ms=LOOKUP_MS,
                fact="4",
                lesson="performance#cache-invalidation",
            )
        if settings.unauthorized_strategy == "SUCCEED_WITH_RESPONSE_HEADER":
            ctx.response_headers.append(("Warning", policy.WARNING))
        step = self._lookup(ctx, key, settings.ttl_s, detail)
        return record(
            ctx,
            self.name,
            step.outcome,
            IGNORED(title=step.title_msg or step.title),
            IGNORED_WHY(strategy=settings.unauthorized_strategy, then=step.reason_msg or step.reason),
            detail=step.detail,
            fact="4",
            lesson="performance#cache-invalidation",
            fidelity=WARNING_FIDELITY()
            if settings.unauthorized_strategy == "SUCCEED_WITH_RESPONSE_HEADER"
            else None,
        )


def _why_off(ctx: Context, settings: policy.Effective) -> Message:
    """Name the setting that turned the cache off for this method (§4: GET only unless overridden)."""
    if settings.decided_by == "method":
        assert ctx.match is not None
        return OFF_BY_METHOD_WHY(setting=ctx.match.settings_key)
    if settings.decided_by == "stage":
        return OFF_BY_STAGE_WHY()
    return OFF_FOR_METHOD_WHY(method=ctx.request.method)
