"""WebSocket limits (GATEWAY_FACTS.md §5.1)."""

from __future__ import annotations

from gateway_lab.engine.clock import VirtualClock
from gateway_lab.engine.state import MemoryStore
from gateway_lab.engine.websocket import WebSocketLimits, check_inbound, check_timeouts, ms_until_timeout
from gateway_lab.engine.websocket.limits import take_message_token

LIMITS = WebSocketLimits()


def test_inbound_binary_closes_1003() -> None:
    """§5.1: a binary frame closes the connection with 1003."""
    assert check_inbound(b"\x00\x01", limits=LIMITS).code == 1003


def test_inbound_over_128_kb_closes_1009() -> None:
    """§5.1: a message over 128 KB closes the connection with 1009."""
    assert check_inbound("x" * (128 * 1024 + 1), limits=LIMITS).code == 1009


def test_inbound_exactly_128_kb_passes() -> None:
    """§5.1: 128 KB itself is allowed."""
    assert check_inbound("x" * (128 * 1024), limits=LIMITS) is None


def test_inbound_frame_over_32_kb_closes_1009() -> None:
    """§5.1: frames are at most 32 KB when the transport reports them."""
    assert check_inbound("x" * 40_000, limits=LIMITS, frames=[40_000]).code == 1009


def test_timeouts_idle_after_ten_minutes() -> None:
    """§5.1: 10 minutes without a client message closes the connection."""
    close = check_timeouts(connected_at_ms=0, last_active_ms=0, now_ms=600_000, limits=LIMITS)
    assert close is not None and "idle" in close.reason


def test_timeouts_alive_before_idle_limit() -> None:
    """§5.1: 9 minutes 59 s of idleness is still fine."""
    assert check_timeouts(connected_at_ms=0, last_active_ms=0, now_ms=599_999, limits=LIMITS) is None


def test_timeouts_max_duration_two_hours() -> None:
    """§5.1: a connection ends after 2 hours even when active."""
    close = check_timeouts(connected_at_ms=0, last_active_ms=7_199_000, now_ms=7_200_000, limits=LIMITS)
    assert close is not None and "maximum" in close.reason


def test_limits_from_stage_shorten_idle_timeout() -> None:
    """§5.1: a demo stage may shorten the idle timeout (lab-only webSocketLimits)."""
    limits = WebSocketLimits.from_stage({"webSocketLimits": {"idleTimeoutSeconds": 2}})
    assert limits.idle_timeout_ms == 2000 and limits.max_connection_ms == 7_200_000


def test_ms_until_timeout_counts_to_idle() -> None:
    """§5.1: the next check is due when the idle timeout would fire."""
    assert ms_until_timeout(connected_at_ms=0, last_active_ms=1000, now_ms=2000, limits=LIMITS) == 599_000


def test_message_rate_rejects_after_burst() -> None:
    """§3.2: the per-connection bucket refuses once its burst is spent."""
    clock = VirtualClock()
    store, limits = MemoryStore(clock), WebSocketLimits(message_rate=1, message_burst=2)
    results = [
        take_message_token(store, "c", now_ms=clock.now_ms(), limits=limits).admitted for _ in range(3)
    ]
    assert results == [True, True, False]
