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
