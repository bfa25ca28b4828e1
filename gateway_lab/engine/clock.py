"""The engine's time port: a virtual clock for simulations, the system clock for the live gateway."""

from __future__ import annotations

import time
from typing import Protocol

# 2026-01-01T00:00:00Z: simulations start here so request times and ids replay identically.
VIRTUAL_EPOCH_MS = 1_767_225_600_000.0


class Clock(Protocol):
    """Epoch milliseconds; the only source of time the engine reads."""

    def now_ms(self) -> float: ...


class VirtualClock:
    """A clock that moves only when told to, so "N requests over T seconds" computes at once."""

    __slots__ = ("_now_ms",)

    def __init__(self, start_ms: float = VIRTUAL_EPOCH_MS) -> None:
        self._now_ms = float(start_ms)

    def now_ms(self) -> float:
        return self._now_ms

    def advance(self, ms: float) -> None:
        """Move time forward by ``ms`` milliseconds."""
        if ms < 0:
            raise ValueError("a clock does not run backwards")
        self._now_ms += ms

    def set(self, now_ms: float) -> None:
        """Jump to ``now_ms`` (never backwards)."""
        self.advance(now_ms - self._now_ms)


class SystemClock:
    """Wall-clock time for the live gateway (the one place the engine may read it)."""

    __slots__ = ()

    def now_ms(self) -> float:
        return time.time() * 1000.0
