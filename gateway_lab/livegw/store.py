"""The live gateway's Store: Redis when ``REDIS_URL`` is set (shared by every process), else in-process.

Django's cache API cannot list keys (the connection registry needs that), so the Redis store talks
to Redis directly; without Redis one process serves everything and a locked ``MemoryStore`` is the
same thing as the local-memory cache.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.conf import settings

from gateway_lab.engine import Clock, MemoryStore, Store, SystemClock, Take

STORE_TIMEOUT_S = 5.0
STORE_CONNECT_TIMEOUT_S = 2.0

# The token-bucket step in Redis (token_bucket.take, §3.1) for each bucket in KEYS, in order: read,
# refill, take, write, atomically, so processes sharing a bucket never both spend its last token. It
# stops after the first bucket that refuses (later ones are left untouched, §3.2's order): the
# throttle stage's layers cost one round trip. ARGV: now, then rate and burst per key. The state
# stays the JSON list [tokens, updated_ms] that get() reads; numbers come back as strings (Lua
# truncates floats), three per bucket tried: admitted, before, after.
TAKE_TOKENS_LUA = """
local now = tonumber(ARGV[1])
local out = {}
for i, key in ipairs(KEYS) do
  local rate, burst = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  local raw = redis.call('GET', key)
  local before, stamp = burst, now
  if raw then
    local state = cjson.decode(raw)
    local elapsed = math.max(0, now - state[2]) / 1000.0
    before = math.min(burst, state[1] + elapsed * rate)
    stamp = math.max(now, state[2])
  end
  local admitted = before >= 1
  local after = before
  if admitted then after = before - 1 end
  redis.call('SET', key, cjson.encode({after, stamp}))
  out[#out + 1] = admitted and 1 or 0
  out[#out + 1] = string.format('%.17g', before)
  out[#out + 1] = string.format('%.17g', after)
  if not admitted then break end
end
return out
"""

# One usage-plan quota spend in Redis (§3.3): read the period's counter, refuse at the limit, else count
# the request, atomically, so processes sharing a quota never both spend its last request. The counter
# stays a plain integer (``get`` reads it as the engine's MemoryStore keeps it); it expires with its period.
SPEND_QUOTA_LUA = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return {0, used} end
used = redis.call('INCR', KEYS[1])
if used == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, used}
"""


class RedisStore:
    """The engine's Store protocol over Redis; values are JSON, TTLs are Redis PX expiries."""

    in_process = False  # every call is a Redis round trip (engine.blocking)

    def __init__(self, url: str, *, prefix: str = "gwlab:") -> None:
        import redis

        # Bounded waits: a Redis that hangs must not hang a worker thread (the upgrade answers 503).
        self._redis = redis.Redis.from_url(
            url, socket_timeout=STORE_TIMEOUT_S, socket_connect_timeout=STORE_CONNECT_TIMEOUT_S
        )
        self._prefix = prefix
        self._take = self._redis.register_script(TAKE_TOKENS_LUA)
        self._spend = self._redis.register_script(SPEND_QUOTA_LUA)

    def take_token(self, key: str, now_ms: float, *, rate: float, burst: float) -> Take:
        """Take one token from a bucket in one atomic Lua step (shared by every server process)."""
        return self.take_tokens([(key, rate, burst)], now_ms)[0]

    def take_tokens(self, buckets: Sequence[tuple[str, float, float]], now_ms: float) -> list[Take]:
        """Take one token from each ``(key, rate, burst)`` bucket in order, in one atomic Lua step and
        one round trip; stop after the first bucket that refuses. Return the takes of the buckets tried."""
        args: list[Any] = [repr(now_ms)]
        for _, rate, burst in buckets:
            args += [rate, burst]
        flat = self._take(keys=[self._prefix + key for key, _, _ in buckets], args=args)
        takes = []
        for i in range(0, len(flat), 3):
            tokens_after = float(flat[i + 2])
            takes.append(
                Take(
                    admitted=bool(flat[i]),
                    tokens_before=float(flat[i + 1]),
                    tokens_after=tokens_after,
                    state=(tokens_after, now_ms),
                )
            )
        return takes

    def spend_quota(self, key: str, limit: int, *, ttl_ms: float) -> tuple[bool, int]:
        """Count one request against a quota counter unless it is spent: (admitted, used), one Lua step."""
        admitted, used = self._spend(keys=[self._prefix + key], args=[int(limit), max(1, int(ttl_ms))])
        return bool(admitted), int(used)

    def get(self, key: str) -> Any | None:
        raw = self._redis.get(self._prefix + key)
        return None if raw is None else json.loads(raw)

    def get_many(self, keys: list[str]) -> list[Any | None]:
        """Return the values of ``keys`` in one round trip (the connection registry's fan-out read)."""
        if not keys:
            return []
        raws = self._redis.mget([self._prefix + key for key in keys])
        return [None if raw is None else json.loads(raw) for raw in raws]

    def put(self, key: str, value: Any, *, ttl_ms: float | None = None) -> None:
        px = None if ttl_ms is None else max(1, int(ttl_ms))
        self._redis.set(self._prefix + key, json.dumps(value), px=px)

    def incr(self, key: str, amount: int = 1, *, ttl_ms: float | None = None) -> int:
        name = self._prefix + key
        with self._redis.pipeline() as pipe:
            pipe.incrby(name, amount)
            if ttl_ms is not None:
                pipe.pexpire(name, max(1, int(ttl_ms)), nx=True)  # only when created: the Store contract
            value = pipe.execute()[0]
        return int(value)

    def delete(self, key: str) -> bool:
        return bool(self._redis.delete(self._prefix + key))

    def keys(self, prefix: str) -> list[str]:
        pattern = self._prefix + prefix.replace("[", "\\[").replace("*", "\\*").replace("?", "\\?") + "*"
        start = len(self._prefix)
        return [k.decode()[start:] for k in self._redis.scan_iter(match=pattern, count=1000)]


class LockedMemoryStore:
    """A MemoryStore shared by the threads of one process."""

    in_process = True  # locks held for a dict update only, never across I/O (engine.blocking)

    def __init__(self, clock: Clock) -> None:
        self._store, self._lock = MemoryStore(clock), threading.Lock()

    def get(self, key: str) -> Any | None:
        with self._lock:
            return self._store.get(key)

    def get_many(self, keys: list[str]) -> list[Any | None]:
        with self._lock:
            return [self._store.get(key) for key in keys]

    def take_token(self, key: str, now_ms: float, *, rate: float, burst: float) -> Take:
        """Read, refill, take and write a bucket under the lock (threads of one process share it)."""
        with self._lock:
            return self._store.take_token(key, now_ms, rate=rate, burst=burst)

    def take_tokens(self, buckets: Sequence[tuple[str, float, float]], now_ms: float) -> list[Take]:
        """Take one token from each ``(key, rate, burst)`` bucket in order under one lock, stopping after
        the first that refuses (``RedisStore.take_tokens``'s contract): a concurrent request never sees
        the method's bucket taken and the account's not yet. Return the takes of the buckets tried."""
        takes = []
        with self._lock:
            take_token = self._store.take_token
            for key, rate, burst in buckets:
                took = take_token(key, now_ms, rate=rate, burst=burst)
                takes.append(took)
                if not took.admitted:
                    break
        return takes

    def spend_quota(self, key: str, limit: int, *, ttl_ms: float) -> tuple[bool, int]:
        """Count one request against a quota counter unless it is spent, under the lock: (admitted, used)."""
        with self._lock:
            used = int(self._store.get(key) or 0)
            if used >= limit:
                return False, used
            return True, self._store.incr(key, ttl_ms=ttl_ms)

    def put(self, key: str, value: Any, *, ttl_ms: float | None = None) -> None:
        with self._lock:
            self._store.put(key, value, ttl_ms=ttl_ms)

    def incr(self, key: str, amount: int = 1, *, ttl_ms: float | None = None) -> int:
        with self._lock:
            return self._store.incr(key, amount, ttl_ms=ttl_ms)

    def delete(self, key: str) -> bool:
        with self._lock:
            return self._store.delete(key)

    def keys(self, prefix: str) -> list[str]:
        with self._lock:
            return self._store.keys(prefix)


@cache
def live_store() -> Store:
    """Return this process's Store (one per process; Redis-backed stores share their data)."""
    if settings.REDIS_URL:
        return RedisStore(settings.REDIS_URL)
    return LockedMemoryStore(SystemClock())
