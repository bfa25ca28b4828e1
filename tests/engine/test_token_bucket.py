"""Token-bucket math (§3.1): rate refills per second, burst caps the bucket."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway_lab.engine.token_bucket import ms_until_token, refill, take


def test_token_bucket_new_bucket_admits_a_full_burst() -> None:
    """§3.1: a bucket starts full, so `burst` simultaneous requests pass and the next one does not."""
    state = None
    admitted = 0
    for _ in range(11):
        result = take(state, 0.0, rate=1.0, burst=10)
        state = result.state
        admitted += result.admitted
    assert admitted == 10


def test_token_bucket_refills_at_rate_per_second() -> None:
    """§3.1: rate is the refill in tokens per second."""
    assert refill(0.0, 0.0, 500.0, rate=4.0, burst=10) == 2.0


def test_token_bucket_refill_is_capped_at_burst() -> None:
    """§3.1: burst is the bucket's capacity."""
    assert refill(3.0, 0.0, 60_000.0, rate=100.0, burst=5) == 5.0


def test_token_bucket_reports_wait_for_next_token() -> None:
    """§3.1: at 4 tokens/s an empty bucket has a token again after 250 ms."""
    assert ms_until_token(0.0, rate=4.0) == 250.0


@settings(max_examples=60, deadline=None)
@given(
    rate=st.floats(min_value=0.5, max_value=50.0),
    burst=st.integers(min_value=1, max_value=20),
    gaps=st.lists(st.floats(min_value=0.0, max_value=300.0), min_size=1, max_size=150),
    window_start=st.integers(min_value=0, max_value=149),
    window_len=st.integers(min_value=1, max_value=150),
)
def test_token_bucket_admits_at_most_burst_plus_rate_times_window(
    rate: float, burst: int, gaps: list[float], window_start: int, window_len: int
) -> None:
    """§3.1: in any time window, admitted requests ≤ burst + rate × window."""
    now, state, admitted_times = 0.0, None, []
    for gap in gaps:
        now += gap
        result = take(state, now, rate=rate, burst=burst)
        state = result.state
        if result.admitted:
            admitted_times.append(now)
    if not admitted_times:
        return
    lo = admitted_times[min(window_start, len(admitted_times) - 1)]
    hi = admitted_times[min(window_start + window_len, len(admitted_times) - 1)]
    in_window = sum(1 for t in admitted_times if lo <= t <= hi)
    assert in_window <= burst + rate * (hi - lo) / 1000.0 + 1e-9


def test_memory_store_take_token_matches_take_between_get_and_put() -> None:
    """§3.1, issue 17: MemoryStore.take_token (the throttle's one-step take) gives the same results and
    leaves the same stored state as token_bucket.take between the store's get and put, expiry included."""
    from gateway_lab.engine.clock import VirtualClock
    from gateway_lab.engine.state import MemoryStore

    clock = VirtualClock()
    one_step, two_steps = MemoryStore(clock), MemoryStore(clock)
    two_steps.put("b", [0.25, clock.now_ms()], ttl_ms=5.0)  # an expiring bucket: a new one after 5 ms
    one_step.put("b", [0.25, clock.now_ms()], ttl_ms=5.0)
    now = clock.now_ms()
    for i in range(40):
        at = now + i * 0.7
        clock.advance(0.7)
        got = one_step.take_token("b", at, rate=3.0, burst=4)
        want = take(two_steps.get("b"), at, rate=3.0, burst=4)
        two_steps.put("b", list(want.state))
        assert got == want
        assert one_step.get("b") == two_steps.get("b")


def test_memory_store_take_token_treats_an_expired_bucket_as_new() -> None:
    """§3.1: a bucket whose entry expired in the store starts full again, as get() reports it missing."""
    from gateway_lab.engine.clock import VirtualClock
    from gateway_lab.engine.state import MemoryStore

    clock = VirtualClock()
    store = MemoryStore(clock)
    store.put("b", [0.0, clock.now_ms()], ttl_ms=5.0)
    clock.advance(6.0)
    took = store.take_token("b", clock.now_ms(), rate=0.0, burst=3)
    assert (took.admitted, took.tokens_before, took.tokens_after) == (True, 3.0, 2.0)
    assert store.get("b") == [2.0, clock.now_ms()]
