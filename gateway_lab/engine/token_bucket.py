"""Token-bucket refill math (§3.1): rate = tokens added per second, burst = bucket capacity.

Pure functions over ``(tokens, updated_ms)`` pairs, so any Store can keep the state as a JSON list.
A new bucket starts full, as API Gateway admits a burst straight away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .speedups import fast_constructor


@dataclass(frozen=True, slots=True, kw_only=True)
class Take:
    """The result of asking a bucket for one token."""

    admitted: bool
    tokens_before: float  # after refill, before taking
    tokens_after: float
    state: tuple[float, float]  # (tokens, updated_ms) to store back


def refill(tokens: float, updated_ms: float, now_ms: float, *, rate: float, burst: float) -> float:
    """Return the tokens in a bucket at ``now_ms`` after refilling at ``rate`` per second, capped at ``burst``."""
    elapsed_s = max(0.0, now_ms - updated_ms) / 1000.0
    return min(float(burst), tokens + elapsed_s * rate)


def take(
    state: tuple[float, float] | list[float] | None, now_ms: float, *, rate: float, burst: float
) -> Take:
    """Try to take one token at ``now_ms``; ``state`` None means a new, full bucket."""
    if state is None:
        before = float(burst)
    else:  # refill(), inlined: every request passes two or three buckets
        before = min(float(burst), state[0] + max(0.0, now_ms - state[1]) / 1000.0 * rate)
    admitted = before >= 1.0
    after = before - 1.0 if admitted else before
    return _make_take(admitted, before, after, (after, now_ms))


_make_take = fast_constructor(Take)  # Take(...) on the hot path (see speedups)


def take_from(store: Any, key: str, now_ms: float, *, rate: float, burst: float) -> Take:
    """Take one token from the bucket ``key`` kept in ``store``, atomically when the store can.

    A store shared by several server processes (the live gateway's Redis store) offers
    ``take_token(key, now_ms, rate=, burst=)``, which reads, refills, takes and writes in one step;
    otherwise this is ``take`` between a ``get`` and a ``put`` (one thread owns the store). Such a
    store may also offer ``take_tokens([(key, rate, burst), ...], now_ms)``: one token from each
    bucket in order, in one step, stopping after the first that refuses (the throttle stage's
    layers in one round trip), returning the ``Take`` of each bucket tried.
    """
    atomic = getattr(store, "take_token", None)
    if atomic is not None:
        return atomic(key, now_ms, rate=rate, burst=burst)  # type: ignore[no-any-return]
    took = take(store.get(key), now_ms, rate=rate, burst=burst)
    store.put(key, list(took.state))
    return took


def ms_until_token(tokens: float, *, rate: float) -> float | None:
    """Return how long until the bucket holds one token, or None if it never refills."""
    if tokens >= 1.0:
        return 0.0
    if rate <= 0:
        return None
    return (1.0 - tokens) / rate * 1000.0
