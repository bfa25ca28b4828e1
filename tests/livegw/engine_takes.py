"""What the engine's own store says a multi-bucket take should give (the reference for shared stores)."""

from __future__ import annotations

from collections.abc import Sequence

from gateway_lab.engine import MemoryStore, Take


def engine_takes(memory: MemoryStore, buckets: Sequence[tuple[str, float, float]], at: float) -> list[Take]:
    """The takes of ``MemoryStore.take_token`` bucket by bucket, stopping after the first refusal, as the
    throttle stage does on an in-process store (§3.2) and as ``take_tokens`` must."""
    takes = []
    for key, rate, burst in buckets:
        took = memory.take_token(key, at, rate=rate, burst=burst)
        takes.append(took)
        if not took.admitted:
            break
    return takes
