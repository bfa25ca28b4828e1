"""Deliver what the engine decided: pushes and closes through the channel layer, traces to observers.

Every connection record holds its consumer's channel name, so a push goes straight to that channel
(whichever process holds the socket) with ``channel_layer.send``: no per-connection group, whose
bookkeeping made a broadcast O(n²) on the in-memory layer. Identical messages (a fan-out) are sent
as one batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from channels.layers import get_channel_layer

from gateway_lab.engine.trace import Trace, trace_to_dict
from gateway_lab.engine.websocket import CloseCommand, Push

from .layers import gate, send_many
from .services import trace_group


async def deliver(actions: Iterable[Push | CloseCommand]) -> None:
    """Send each push/close to its connection's channel, one batch per distinct message."""
    batches: dict[tuple[Any, ...], tuple[dict[str, Any], list[str]]] = {}
    for action in actions:
        if not action.channel:  # a connection without a live consumer (made outside this front end)
            continue
        message = _message(action)
        batch = batches.setdefault(tuple(message.values()), (message, []))
        batch[1].append(action.channel)
    layer = get_channel_layer()
    for message, channels in batches.values():
        await send_many(layer, channels, message)


def _message(action: Push | CloseCommand) -> dict[str, Any]:
    if isinstance(action, Push):
        return {"type": "ws.push", "text": action.data.decode("utf-8", "replace")}
    return {"type": "ws.close", "code": action.code, "reason": action.reason}


async def publish_trace(api_id: str, stage: str, trace: Trace) -> None:
    """Show the event's trace to the demo page's event log (lab-only observers)."""
    async with gate():
        await get_channel_layer().group_send(
            trace_group(api_id, stage), {"type": "trace.event", "trace": trace_to_dict(trace)}
        )
