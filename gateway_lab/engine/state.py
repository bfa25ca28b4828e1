"""The engine's state port: token buckets, cache entries, quotas, authorizer cache, connections.

Keys are namespaced strings (``bucket:…``, ``cache:…``, ``quota:…``, ``authz:…``, ``conn:…``) and
values are plain JSON data (numbers, strings, lists, dicts), so the live gateway can implement the
same protocol over Django's cache or Redis. Expiry is measured on the engine clock, never the wall.
"""

from __future__ import annotations

from typing import Any, Protocol

from .clock import Clock
from .token_bucket import Take, take


class Store(Protocol):
    """Small key-value port with TTLs on the engine clock."""

    def get(self, key: str) -> Any | None:
        """Return the value, or None when missing or expired."""

    def put(self, key: str, value: Any, *, ttl_ms: float | None = None) -> None:
        """Store a JSON-able value, optionally expiring ``ttl_ms`` from now."""

    def incr(self, key: str, amount: int = 1, *, ttl_ms: float | None = None) -> int:
        """Add ``amount`` and return the new value; ``ttl_ms`` applies when the key is created."""

    def delete(self, key: str) -> bool:
        """Remove the key; return whether it existed."""

    def keys(self, prefix: str) -> list[str]:
        """Return the live keys starting with ``prefix`` (for flushes and for the UI)."""


class MemoryStore:
    """An in-process Store; one per simulation, or per process for a single-process gateway."""

    __slots__ = ("_clock", "_data")
    in_process = True  # no I/O: engine.blocking may run it on an event loop

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._data: dict[str, tuple[Any, float | None]] = {}

    def get(self, key: str) -> Any | None:
        item = self._data.get(key)
        if item is None:
            return None
        value, expires = item
        if expires is not None and self._clock.now_ms() >= expires:
            del self._data[key]
            return None
        return value

    def put(self, key: str, value: Any, *, ttl_ms: float | None = None) -> None:
        expires = None if ttl_ms is None else self._clock.now_ms() + ttl_ms
        self._data[key] = (value, expires)

    def take_token(self, key: str, now_ms: float, *, rate: float, burst: float) -> Take:
        """Read, refill, take and write the bucket ``key`` in one step (``token_bucket.take_from``'s
        ``get``, ``take`` and ``put``, without a store round trip: every request passes two buckets)."""
        data = self._data
        item = data.get(key)
        state = None
        if item is not None:
            state, expires = item
            if expires is not None and self._clock.now_ms() >= expires:
                state = None  # expired: a new, full bucket, as get() would say
        took = take(state, now_ms, rate=rate, burst=burst)
        data[key] = ([took.tokens_after, now_ms], None)  # put(key, list(took.state))
        return took

    def incr(self, key: str, amount: int = 1, *, ttl_ms: float | None = None) -> int:
        current = self.get(key)
        if current is None:
            self.put(key, amount, ttl_ms=ttl_ms)
            return amount
        _, expires = self._data[key]
        self._data[key] = (current + amount, expires)
        return int(current + amount)

    def delete(self, key: str) -> bool:
        return self._data.pop(key, None) is not None

    def keys(self, prefix: str) -> list[str]:
        return [key for key in list(self._data) if key.startswith(prefix) and self.get(key) is not None]
