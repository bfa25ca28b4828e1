"""Throttle stage (§3): token buckets for the method/route (stage settings) and the account, in §3.2's order.

Usage-plan (per API key) limits come first in AWS's order; the api_key stage applies them. Each
bucket here takes one token in turn; the first empty bucket refuses with 429 and later buckets are
left untouched. Every layer's tokens before/after go into ``detail.layers``.
"""

from __future__ import annotations

from typing import Any

from .. import token_bucket
from ..context import Context, GatewayError
from ..text import Message, Text
from ..trace import Outcome, StageName, Step
from .base import MethodMemo, record, step

THROTTLE_MS = 0.1
_new_message = object.__new__
_LEVEL_WORDS = {
    "method": Text("This method's setting"),
    "route": Text("This route's setting"),
    "stage": Text("The stage default"),
    "account": Text("The account's Regional throttle limit"),
}
LEVELS = {level: Text(level) for level in ("method", "route", "stage", "account")}  # bucket names
WITHIN = Text("Within limits")
_WITHIN = WITHIN()
LEVEL_NAMES = {level: text() for level, text in LEVELS.items()}  # the bucket names as messages
# One template per layer count (the account bucket, or a stage/method/route bucket and the account's):
# flat parameters keep this per-request sentence as cheap as the f-string it replaced.
WITHIN_WHY = (
    Text("Each bucket had a token to spare; tokens left: {level} {tokens}/{burst:d}."),
    Text(
        "Each bucket had a token to spare; tokens left: {level} {tokens}/{burst:d}, "
        "{level2} {tokens2}/{burst2:d}."
    ),
)
EMPTY = {
    "method": Text("Method bucket empty"),
    "route": Text("Route bucket empty"),
    "stage": Text("Stage bucket empty"),
    "account": Text("Account bucket empty"),
}
NEXT_TOKEN = Text("the next token arrives in {wait} ms")
NEVER_REFILLS = Text("this bucket never refills")
EMPTY_WHY = Text(
    "{setting} allows {rate} requests/s with a burst of {burst:d}; the bucket held "
    "{tokens} tokens, less than the 1 a request needs, so the client gets 429 ({wait})."
)


class ThrottleStage:
    name = StageName.THROTTLE

    def __init__(self) -> None:
        self._buckets = MethodMemo(_buckets)

    def evaluate(self, ctx: Context) -> Step:
        layers: list[dict[str, Any]] = []
        store, now_ms = ctx.store, ctx.arrival_ms + ctx.elapsed_ms  # ctx.now_ms
        buckets = self._buckets.get(ctx)
        takes = None
        several = getattr(store, "take_tokens", None) if len(buckets) > 1 else None
        if several is not None:  # a shared store takes from every layer in one step (one round trip)
            takes = several([(key, rate, burst) for _, key, rate, burst in buckets], now_ms)
        atomic = getattr(store, "take_token", None)  # MemoryStore's, or a shared store's atomic step
        for i, (level, key, rate, burst) in enumerate(buckets):
            if takes is not None:
                took = takes[i]  # the takes stop at the first refusal, and so does this loop
            elif atomic is not None:
                took = atomic(key, now_ms, rate=rate, burst=burst)
            else:
                took = token_bucket.take_from(store, key, now_ms, rate=rate, burst=burst)
            layers.append(
                {
                    "level": level,
                    "rate": rate,
                    "burst": burst,
                    "tokens_before": round(took.tokens_before, 3),
                    "tokens_after": round(took.tokens_after, 3),
                    "admitted": took.admitted,
                }
            )
            if not took.admitted:
                return self._reject(ctx, layers, level, rate, burst, took.tokens_before)
        first = layers[0]
        if len(layers) == 1:
            reason = _new_message(Message)  # WITHIN_WHY[0](level=…, tokens=…, burst=…) without **kwargs
            reason.text, reason._english = WITHIN_WHY[0], None
            reason.params = {
                "level": LEVEL_NAMES[first["level"]],
                "tokens": first["tokens_after"],
                "burst": first["burst"],
            }
        else:
            second = layers[1]
            reason = WITHIN_WHY[1](
                level=LEVEL_NAMES[first["level"]],
                tokens=first["tokens_after"],
                burst=first["burst"],
                level2=LEVEL_NAMES[second["level"]],
                tokens2=second["tokens_after"],
                burst2=second["burst"],
            )
        return step(
            ctx,
            StageName.THROTTLE,
            Outcome.PASS,
            _WITHIN,
            reason,
            {"layers": layers},
            THROTTLE_MS,
            "3.2",
            "performance#token-bucket",
        )

    def _reject(
        self, ctx: Context, layers: list[dict[str, Any]], level: str, rate: float, burst: int, tokens: float
    ) -> Step:
        ctx.error = GatewayError(response_type="THROTTLED")
        wait = token_bucket.ms_until_token(tokens, rate=rate)
        wait_text = NEXT_TOKEN(wait=wait) if wait is not None else NEVER_REFILLS()
        reason = EMPTY_WHY(
            setting=_LEVEL_WORDS[level](), rate=rate, burst=burst, tokens=tokens, wait=wait_text
        )
        return record(
            ctx,
            self.name,
            Outcome.REJECT,
            EMPTY[level](),
            reason,
            detail={"layers": layers, "rejected_by": level},
            duration_ms=THROTTLE_MS,
            fact="3.2",
            lesson="performance#throttling",
        )


def _buckets(ctx: Context) -> tuple[tuple[str, str, float, int], ...]:
    """Return (level, store key, rate, burst) for each bucket this request must pass, in order."""
    buckets: list[tuple[str, str, float, int]] = []
    match, stage, api = ctx.match, ctx.stage, ctx.api
    if match is not None:
        key = match.settings_key
        level, setting = stage.setting_for(key)
        if setting is not None and setting.throttle is not None:
            # Stage defaults apply to each method separately, so every method has its own bucket.
            buckets.append(
                (level, f"bucket:{api.id}:{stage.name}:{key}", setting.throttle.rate, setting.throttle.burst)
            )
    rate, burst = ctx.account.limits(api.region)
    buckets.append(("account", f"bucket:account:{ctx.account.account_id}:{api.region}", rate, burst))
    return tuple(buckets)
