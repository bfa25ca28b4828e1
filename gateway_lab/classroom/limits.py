"""Message-rate limits for room sockets: token buckets per participant (all their sockets) and per room.

Kept in the process's memory, per event loop: a limit protects this server from a flood, and a
room's sockets live in one process when the channel layer is in memory (with Redis and several
processes each process limits what it receives, which still bounds the flood).
"""

from __future__ import annotations

import asyncio
import time
import weakref
from dataclasses import dataclass, field

MAX_BUCKETS = 10_000


@dataclass(slots=True)
class TokenBucket:
    rate: float
    burst: float
    tokens: float = -1.0
    refilled: float = field(default_factory=time.monotonic)

    def take(self) -> bool:
        """Spend one token if there is one."""
        now = time.monotonic()
        if self.tokens < 0:
            self.tokens = self.burst
        self.tokens = min(self.burst, self.tokens + (now - self.refilled) * self.rate)
        self.refilled = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


_buckets: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, TokenBucket]] = (
    weakref.WeakKeyDictionary()
)


def bucket(key: str, *, rate: float, burst: float) -> TokenBucket:
    """Return this event loop's bucket for ``key`` (made on first use)."""
    buckets = _buckets.setdefault(asyncio.get_running_loop(), {})
    if key not in buckets:
        if len(buckets) >= MAX_BUCKETS:  # forget buckets idle for a minute (full again by now)
            idle = time.monotonic() - 60
            for stale in [k for k, b in buckets.items() if b.refilled < idle]:
                del buckets[stale]
        buckets[key] = TokenBucket(rate=rate, burst=burst)
    return buckets[key]
