"""The single-process live gateway's store (``LockedMemoryStore``): the throttle's layers in one step.

Its ``take_tokens`` has ``RedisStore.take_tokens``'s contract (§3.1, §3.2): one token from each bucket
in order, stopping after the first refusal, all under one lock (as Redis runs the layers in one script).
"""

from __future__ import annotations

import threading

from gateway_lab.engine import MemoryStore, SystemClock, VirtualClock
from gateway_lab.livegw.store import LockedMemoryStore
from tests.livegw.engine_takes import engine_takes

BUCKETS = [("bucket:method", 2.0, 3), ("bucket:account", 1.0, 5)]


def test_take_tokens_matches_the_engine_bucket_by_bucket_and_stops_at_a_refusal_3_2() -> None:
    """§3.1/§3.2: the same arrivals give the same takes as MemoryStore.take_token per bucket, and a
    refusal at the first bucket leaves the second untouched."""
    locked, memory = LockedMemoryStore(VirtualClock()), MemoryStore(VirtualClock())
    for at in (0.0, 1.0, 2.0, 3.0, 4.0, 800.0, 801.0, 802.0, 5_000.0, 5_001.0, 5_002.0, 5_003.0):
        got = locked.take_tokens(BUCKETS, at)
        expected = engine_takes(memory, BUCKETS, at)
        assert got == expected, at
        assert [locked.get(key) for key, _, _ in BUCKETS] == [memory.get(key) for key, _, _ in BUCKETS]
    assert len(got) == 1 and not got[0].admitted  # the last arrivals were refused at the method bucket


def test_threads_sharing_the_store_lose_no_take_3_2() -> None:
    """§3.2: 8 threads × 50 requests at one instant: exactly the method bucket's burst is admitted, and
    the account bucket lost exactly one token per admitted request (none for a refused one): no take is
    lost or doubled between threads."""
    store = LockedMemoryStore(SystemClock())
    buckets = [("bucket:m", 0.0, 40), ("bucket:a", 0.0, 100)]
    admitted: list[float] = []
    start = threading.Barrier(8)

    def send() -> None:
        start.wait()
        for _ in range(50):
            takes = store.take_tokens(buckets, 1_000.0)
            if all(t.admitted for t in takes) and len(takes) == 2:
                admitted.append(takes[1].tokens_after)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(admitted) == 40
    assert sorted(admitted) == [float(n) for n in range(60, 100)]  # each admitted request its own token
    assert store.get("bucket:a")[0] == 60.0
