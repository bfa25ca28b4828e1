"""Admission of one client message before its pipeline runs: frame limits and message rate (§5.1, §3.2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..context import Context
from ..state import Store
from ..text import Text
from ..token_bucket import Take
from ..trace import Outcome, StageName, Step, make_step
from .event import WsEvent
from .limits import RATE_FIDELITY, Close, WebSocketLimits, check_inbound, take_message_token
from .outcome import error_body

S = StageName


@dataclass(frozen=True, slots=True, kw_only=True)
class Refusal:
    """A message the gateway refuses: close the socket, or answer ``reply`` with ``status``."""

    close: Close | None = None
    reply: bytes | None = None
    status: int = 400


def admit(
    ctx: Context,
    event: WsEvent,
    data: bytes | str,
    frames: Sequence[int] | None,
    *,
    store: Store,
    connection_key: str,
    limits: WebSocketLimits,
) -> Refusal | None:
    """Apply the frame rules and the per-connection rate; record the refusal step, or return None."""
    close = check_inbound(data, limits=limits, frames=frames)
    if close is not None:
        event.steps.append(frame_close_step(ctx, close, size=len(data)))
        return Refusal(close=close)
    took = take_message_token(store, connection_key, now_ms=ctx.now_ms, limits=limits)
    if took.admitted:
        return None
    event.steps.append(rate_limited_step(ctx, limits, took))
    reply = error_body("Too Many Requests", event.connection["connectionId"], ctx.request_id)
    return Refusal(reply=reply, status=429)


CLOSED = Text("Closed with {code}")
CLOSED_WHY = Text("{close_reason}: API Gateway closes the connection with code {code}.")
RATE_EXCEEDED = Text("Connection message rate exceeded")
RATE_EXCEEDED_WHY = Text(
    "This connection may send {rate:g} messages/s with a burst of {burst:d}; the message is dropped with 429."
)


def frame_close_step(ctx: Context, close: Close, *, size: int) -> Step:
    """Return the step for a frame the limits refuse: API Gateway closes the connection (§5.1)."""
    return make_step(
        stage=S.ENDPOINT,
        outcome=Outcome.REJECT,
        title=CLOSED(code=str(close.code)),
        reason=CLOSED_WHY(close_reason=close.reason, code=str(close.code)),
        detail={"close_code": close.code, "bytes": size},
        t_ms=ctx.t_ms,
        fact="5.1",
        lesson="websocket#limits",
    )


def rate_limited_step(ctx: Context, limits: WebSocketLimits, took: Take) -> Step:
    """Return the step for a message over the connection's rate: dropped with 429 (§3.2)."""
    return make_step(
        stage=S.THROTTLE,
        outcome=Outcome.REJECT,
        title=RATE_EXCEEDED(),
        reason=RATE_EXCEEDED_WHY(rate=limits.message_rate, burst=limits.message_burst),
        detail={"tokens_before": round(took.tokens_before, 3)},
        t_ms=ctx.t_ms,
        fact="3.2",
        lesson="websocket#limits",
        fidelity=RATE_FIDELITY,
    )
