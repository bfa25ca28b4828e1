"""Deliver what the engine decided: pushes and closes through the channel layer, traces to observers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from channels.layers import get_channel_layer

from gateway_lab.engine.trace import Trace, trace_to_dict
from gateway_lab.engine.websocket import CloseCommand, Push

from .services import connection_group, trace_group

BATCH = 20  # group sends in flight at once: pipelines Redis without exhausting its connection pool


async def deliver(actions: Iterable[Push | CloseCommand]) -> None:
    """Send each push/close to the group of its connection's consumer (whichever process holds it)."""
    layer = get_channel_layer()
    messages = [_message(action) for action in actions]
    for start in range(0, len(messages), BATCH):
        await asyncio.gather(
            *(layer.group_send(group, body) for group, body in messages[start : start + BATCH])
        )


def _message(action: Push | CloseCommand) -> tuple[str, dict[str, Any]]:
    if isinstance(action, Push):
        return connection_group(action.connection_id), {
            "type": "ws.push",
            "text": action.data.decode("utf-8", "replace"),
        }
    return connection_group(action.connection_id), {
        "type": "ws.close",
        "code": action.code,
        "reason": action.reason,
    }


async def publish_trace(api_id: str, stage: str, trace: Trace) -> None:
    """Show the event's trace to the demo page's event log (lab-only observers)."""
    await get_channel_layer().group_send(
        trace_group(api_id, stage), {"type": "trace.event", "trace": trace_to_dict(trace)}
    )
