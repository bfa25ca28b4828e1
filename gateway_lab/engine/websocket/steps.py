"""The trace steps that close a WebSocket event: what it delivered through @connections (§9)."""

from __future__ import annotations

from ..context import Context
from ..text import Message, Text
from ..trace import Outcome, StageName, Step, make_step
from .connections import CloseCommand, ManageResult, Push, as_json

S = StageName

PUSHES = Text("{count:d} push(es) through @connections")
NO_PUSH = Text("no @connections push")
REPLY = Text("a {size:d}-byte reply to the sender")
NO_REPLY = Text("no reply to the sender")
DELIVERED = Text("Delivered: {parts}.")
POSTED = Text("POST @connections → {status}")
POST_FAILED = Text("POST @connections → {status} {error}")
POSTED_WHY = Text("The callback API pushes {size:d} bytes to connection {connection}.")
POST_FAILED_WHY = Text("The callback API answers {status} {error}: nothing is delivered.")


def delivery_step(
    ctx: Context, title: Message, actions: tuple[Push | CloseCommand, ...], *, reply: bytes | None
) -> Step:
    """Return the closing step: what the event pushed through @connections and replied (§9)."""
    pushes = [a for a in actions if isinstance(a, Push)]
    parts = (
        PUSHES(count=len(pushes)) if pushes else NO_PUSH(),
        REPLY(size=len(reply)) if reply else NO_REPLY(),
    )
    return make_step(
        stage=S.RESPONSE,
        outcome=Outcome.PASS if ctx.error is None else Outcome.ERROR,
        title=title,
        reason=DELIVERED(parts=parts),
        t_ms=ctx.t_ms,
        fact="9",
        lesson="websocket#connections",
        detail={"actions": [as_json(a) for a in actions], "reply_bytes": len(reply or b"")},
    )


def post_step(
    result: ManageResult, actions: tuple[Push | CloseCommand, ...], *, connection_id: str, t_ms: float
) -> Step:
    """Return the step of a backend's ``POST @connections/{id}``: pushed, or why not (§9)."""
    pushed = [a for a in actions if isinstance(a, Push)]
    status = str(result.status)
    title = (
        POST_FAILED(status=status, error=str(result.error_type))
        if result.error_type
        else POSTED(status=status)
    )
    reason = (
        POSTED_WHY(size=len(pushed[0].data), connection=connection_id)
        if pushed
        else POST_FAILED_WHY(status=status, error=str(result.error_type))
    )
    return make_step(
        stage=S.RESPONSE,
        outcome=Outcome.PASS if result.status == 200 else Outcome.REJECT,
        title=title,
        reason=reason,
        detail={
            "actions": [as_json(a) for a in actions],
            "status": result.status,
            "error": result.error_type,
        },
        t_ms=t_ms,
        fact="9",
        lesson="websocket#connections",
    )
