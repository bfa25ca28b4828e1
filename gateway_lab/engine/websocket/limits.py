"""WebSocket limits (GATEWAY_FACTS.md §5.1, §9): message and frame size, binary frames, idle and
maximum connection time, and the lab's per-connection message rate.

AWS's values are the defaults. A stage may shorten the timeouts for a demo with the lab-only stage
field ``webSocketLimits`` (``idleTimeoutSeconds``, ``maxConnectionSeconds``, ``messageRateLimit``,
``messageBurstLimit``), so a class can watch a 10-minute idle timeout happen in 5 seconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import token_bucket
from ..state import Store
from ..text import Text

MAX_MESSAGE_BYTES = 128 * 1024  # §5.1: 128 KB per message (PostToConnection Data max 131,072 too)
MAX_FRAME_BYTES = 32 * 1024  # §5.1: messages travel in frames of at most 32 KB
IDLE_TIMEOUT_MS = 10 * 60 * 1000  # §5.1: 10 minutes without a client message
MAX_CONNECTION_MS = 2 * 60 * 60 * 1000  # §5.1: 2 hours, whatever the activity
CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_UNSUPPORTED_DATA = 1003  # §5.1: binary frames
CLOSE_TOO_BIG = 1009  # §5.1: oversize message or frame
RATE_FIDELITY = Text(
    "AWS throttles WebSocket messages per route and account (§3.2); the lab adds a per-connection "
    "bucket so that one noisy client cannot flood a shared lab server."
)()


@dataclass(frozen=True, slots=True, kw_only=True)
class WebSocketLimits:
    max_message_bytes: int = MAX_MESSAGE_BYTES
    max_frame_bytes: int = MAX_FRAME_BYTES
    idle_timeout_ms: float = IDLE_TIMEOUT_MS
    max_connection_ms: float = MAX_CONNECTION_MS
    message_rate: float = 100.0  # lab default, messages per second per connection
    message_burst: int = 100

    @classmethod
    def from_stage(cls, raw_stage: Mapping[str, Any]) -> WebSocketLimits:
        """Read the stage's optional ``webSocketLimits`` (seconds); anything missing keeps AWS's value."""
        raw = raw_stage.get("webSocketLimits") or {}
        base = cls()
        return cls(
            idle_timeout_ms=float(raw.get("idleTimeoutSeconds", base.idle_timeout_ms / 1000)) * 1000,
            max_connection_ms=float(raw.get("maxConnectionSeconds", base.max_connection_ms / 1000)) * 1000,
            message_rate=float(raw.get("messageRateLimit", base.message_rate)),
            message_burst=int(raw.get("messageBurstLimit", base.message_burst)),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Close:
    """Why the gateway closes a connection: WebSocket close code and reason."""

    code: int
    reason: str
    fact: str = "5.1"


def check_inbound(
    data: bytes | str, *, limits: WebSocketLimits, frames: Sequence[int] | None = None
) -> Close | None:
    """Return the close a client message causes (binary → 1003, too big → 1009), or None.

    ``frames`` are the sizes of the frames that carried the message, when the transport knows them.
    """
    if isinstance(data, bytes):
        return Close(code=CLOSE_UNSUPPORTED_DATA, reason="Binary frames are not supported")
    size = len(data.encode("utf-8"))
    if size > limits.max_message_bytes:
        return Close(code=CLOSE_TOO_BIG, reason=f"Message of {size} bytes exceeds {limits.max_message_bytes}")
    if frames and max(frames) > limits.max_frame_bytes:
        return Close(code=CLOSE_TOO_BIG, reason=f"Frame exceeds {limits.max_frame_bytes} bytes")
    return None


def check_timeouts(
    *, connected_at_ms: float, last_active_ms: float, now_ms: float, limits: WebSocketLimits
) -> Close | None:
    """Return the close due at ``now_ms`` (maximum duration first, then idleness), or None."""
    if now_ms - connected_at_ms >= limits.max_connection_ms:
        return Close(code=CLOSE_GOING_AWAY, reason="Going away (maximum connection duration)")
    if now_ms - last_active_ms >= limits.idle_timeout_ms:
        return Close(code=CLOSE_GOING_AWAY, reason="Going away (idle timeout)")
    return None


def ms_until_timeout(
    *, connected_at_ms: float, last_active_ms: float, now_ms: float, limits: WebSocketLimits
) -> float:
    """Return how long until ``check_timeouts`` would close the connection (never negative)."""
    due = min(connected_at_ms + limits.max_connection_ms, last_active_ms + limits.idle_timeout_ms)
    return max(0.0, due - now_ms)


def take_message_token(
    store: Store, connection_key: str, *, now_ms: float, limits: WebSocketLimits
) -> token_bucket.Take:
    """Take one token from the connection's message bucket (kept in the Store, so it holds across processes)."""
    key = f"bucket:{connection_key}"
    took = token_bucket.take(store.get(key), now_ms, rate=limits.message_rate, burst=limits.message_burst)
    store.put(key, list(took.state), ttl_ms=limits.max_connection_ms)
    return took
