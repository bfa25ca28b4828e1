"""The trace steps that close a WebSocket event: what it delivered through @connections (§9)."""

from __future__ import annotations

from ..context import Context
from ..trace import Outcome, StageName, Step
from .connections import CloseCommand, ManageResult, Push, as_json

S = StageName


def delivery_step(
    ctx: Context, title: str, actions: tuple[Push | CloseCommand, ...], *, reply: bytes | None
) -> Step:
    """Return the closing step: what the event pushed through @connections and replied (§9)."""
    pushes = [a for a in actions if isinstance(a, Push)]
    parts = [
        f"{len(pushes)} push(es) through @connections" if pushes else "no @connections push",
        f"a {len(reply)}-byte reply to the sender" if reply else "no reply to the sender",
    ]
    return Step(
        stage=S.RESPONSE,
        outcome=Outcome.PASS if ctx.error is None else Outcome.ERROR,
        title=title,
        reason="Delivered: " + ", ".join(parts) + ".",
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
    title = f"POST @connections → {result.status}" + (f" {result.error_type}" if result.error_type else "")
    reason = (
        f"The callback API pushes {len(pushed[0].data)} bytes to connection {connection_id}."
        if pushed
        else f"The callback API answers {result.status} {result.error_type}: nothing is delivered."
    )
    return Step(
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
