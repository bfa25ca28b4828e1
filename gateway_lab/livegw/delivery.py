"""Deliver what the engine decided: pushes and closes through the channel layer, traces to observers.

Every connection record holds its consumer's channel name, so a push goes straight to that channel
(whichever process holds the socket) with ``channel_layer.send``: no per-connection group, whose
bookkeeping made a broadcast O(n²) on the in-memory layer. Identical messages (a fan-out) are sent
as one batch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from channels.layers import get_channel_layer

from gateway_lab.engine.redaction import redact
from gateway_lab.engine.trace import Trace, trace_to_dict
from gateway_lab.engine.websocket import CloseCommand, Push

from . import services
from .layers import OUTAGE_ERRORS, gate, send_many

logger = logging.getLogger(__name__)


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


def lab_secrets() -> list[str]:
    """The lab's own credentials, scrubbed from anything shown to others wherever they appear."""
    return [services.connections_token(), *services.demo_credentials()]


def shown_trace(trace: Trace) -> dict[str, Any]:
    """Return the trace as observers see it: ``trace_to_dict`` with every credential masked."""
    data: dict[str, Any] = redact(trace_to_dict(trace), secrets=lab_secrets())
    return data


async def publish_trace(api_id: str, stage: str, trace: Trace, *, owner: str = "") -> None:
    """Show the event's trace, redacted, to the demo page's event log.

    ``owner`` is the viewer id of the browser that opened the connection: the trace feed shows the
    trace to that viewer and to staff only. A trace is best effort: when the channel layer is
    down it is dropped (and logged), never raised into the connection that caused it.
    """
    message = {"type": "trace.event", "trace": shown_trace(trace), "owner": owner}
    try:
        async with gate():
            await get_channel_layer().group_send(services.trace_group(api_id, stage), message)
    except OUTAGE_ERRORS as exc:
        logger.warning("trace of %s/%s not published: %s", api_id, stage, exc.__class__.__name__)
