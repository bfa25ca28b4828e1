"""Deliver what the engine decided: pushes and closes to their sockets, traces to observers.

Every connection record holds its consumer's channel name. A consumer in this process (and on this
event loop) registers itself under that name (``register``), and a push or close for it is handed
to it directly: one ASGI ``websocket.send`` per client, as a bare server does, with no channel-layer
message, queue or consumer wake-up in between (issue 17: a 1,000-client broadcast spent most of its
time there). Any other channel — a consumer in another process — gets the message through the
channel layer (Redis) with ``channel_layer.send``: no per-connection group, whose bookkeeping made a
broadcast O(n²) on the in-memory layer. Identical messages (a fan-out) are sent as one batch.

Order: each connection's actions go one way or the other, in the engine's order, so a client gets
its pushes (and a close after them) in the order they were made, wherever its socket is.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any, Protocol

from channels.layers import get_channel_layer

from gateway_lab.engine import Trace, redact, trace_to_dict
from gateway_lab.engine.websocket import CloseCommand, Push

from . import services
from .layers import OUTAGE_ERRORS, gate, send_many

logger = logging.getLogger(__name__)


class LocalSocket(Protocol):
    """What a consumer in this process offers ``deliver``: its ASGI send and a server-side close."""

    async def base_send(self, message: dict[str, Any]) -> None: ...

    async def close_from_server(self, code: int, reason: str) -> None: ...


# channel name -> (the event loop the consumer runs on, the consumer)
_local: dict[str, tuple[asyncio.AbstractEventLoop, LocalSocket]] = {}


def register(channel: str, consumer: LocalSocket) -> None:
    """Deliver to ``consumer`` directly while it is registered (call from its event loop)."""
    _local[channel] = (asyncio.get_running_loop(), consumer)


def unregister(channel: str) -> None:
    _local.pop(channel, None)


async def deliver(actions: Iterable[Push | CloseCommand]) -> None:
    """Hand each push/close to its consumer here, else send it to its channel, one batch per message."""
    loop = asyncio.get_running_loop()
    batches: dict[tuple[Any, ...], tuple[dict[str, Any], list[str]]] = {}
    sends: dict[bytes, dict[str, Any]] = {}  # one ASGI message per distinct push (a fan-out shares it)
    for action in actions:
        if not action.channel:  # a connection without a live consumer (made outside this front end)
            continue
        local = _local.get(action.channel)
        if local is not None and local[0] is loop:
            await _deliver_here(local[1], action, sends)
            continue
        message = _message(action)
        batch = batches.setdefault(tuple(message.values()), (message, []))
        batch[1].append(action.channel)
    layer = get_channel_layer()
    for message, channels in batches.values():
        await send_many(layer, channels, message)


async def _deliver_here(consumer: LocalSocket, action: Push | CloseCommand, sends: dict[bytes, Any]) -> None:
    """Send on a socket of this process; a client gone meanwhile only misses its copy."""
    try:
        if isinstance(action, Push):
            send = sends.get(action.data)
            if send is None:
                send = sends[action.data] = {
                    "type": "websocket.send",
                    "text": action.data.decode("utf-8", "replace"),
                }
            await consumer.base_send(send)
        else:
            await consumer.close_from_server(action.code, action.reason)
    except Exception as exc:  # this client's socket, not the broadcast, failed
        logger.info("delivery to %s failed: %r", action.connection_id, exc)


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
