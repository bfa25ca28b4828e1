"""Channels consumers: the WebSocket API itself (``/gw/<api-id>/<stage>``) and the demo's trace log.

The consumer only moves bytes: every decision (accept or refuse, route, reply, close, push) comes
from the engine's ``WebSocketGateway``; engine calls run in a worker thread because integrations
may take time.

When the shared Store or the channel layer (Redis) is unreachable, the consumer says so instead of
dropping the socket: a new upgrade is refused with HTTP 503, a message that could not be handled
gets an error frame like AWS's (``{"message": "Internal server error", ...}``), and a connection
whose channel-layer receive fails is closed with 1011. Nothing is kept across the outage: clients
reconnect when Redis is back.

Frame sizes: a server run with ``--ws gateway_lab.livegw.wsframes:FrameReportingProtocol`` reports
the sizes of the frames that carried each message (``FRAMES_KEY``); the engine closes with 1009 when
one is over 32 KB (§5.1). Other servers report messages only, so only the 128 KB limit applies.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from gateway_lab.engine import Response
from gateway_lab.engine.websocket import EventOutcome, ms_until_timeout

from . import delivery, services, ticker, viewers
from .delivery import deliver, publish_trace
from .layers import OUTAGE_ERRORS, BoundedExitMixin
from .wsframes import FRAMES_KEY

logger = logging.getLogger(__name__)
# ASGI's WebSocket Denial Response extension (uvicorn has it; Daphne does not).
DENIAL_EXTENSION = "websocket.http.response"
CLOSE_INTERNAL_ERROR = 1011  # RFC 6455: the server met a condition that prevented it from going on
UNAVAILABLE = Response.build(
    503, body=json.dumps({"message": "Service Unavailable"}), headers={"Content-Type": "application/json"}
)


def _engine(fn: Any) -> Any:
    return sync_to_async(fn, thread_sensitive=False)


async def refuse(consumer: AsyncWebsocketConsumer, status: int, response: Response) -> None:
    """Refuse the upgrade with the engine's status and body (401, 403, 503...), as AWS does (§9)."""
    if DENIAL_EXTENSION not in consumer.scope.get("extensions", {}):
        # Without the ASGI Denial Response extension the server answers every refusal with 403;
        # the close code then carries the real status (Channels' test communicator reports it).
        await consumer.close(code=status)
        return
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in response.headers.pairs
    ]
    await consumer.base_send({"type": "websocket.http.response.start", "status": status, "headers": headers})
    await consumer.base_send({"type": "websocket.http.response.body", "body": response.body})


class GatewayConsumer(BoundedExitMixin, AsyncWebsocketConsumer):
    """One client connection of a WebSocket API stage."""

    gateway: Any = None
    connection_id: str = ""
    owner: str = ""
    answered = False  # the upgrade was accepted or refused
    server_close: tuple[int, str] | None = None
    _watchdog: asyncio.Task[None] | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        except OUTAGE_ERRORS as exc:  # the channel layer's receive failed: Redis went away
            await self._outage(exc)
        finally:
            delivery.unregister(getattr(self, "channel_name", ""))

    async def _outage(self, exc: BaseException) -> None:
        """Tell the client the service is unavailable: 503 before the upgrade, close 1011 after."""
        logger.warning("WebSocket %s closed: channel layer unavailable (%r)", self.connection_id or "-", exc)
        with contextlib.suppress(Exception):  # the client may already be gone
            if not self.answered:
                await self._refuse(503, UNAVAILABLE)
            elif self.connection_id:
                await self.base_send({"type": "websocket.close", "code": CLOSE_INTERNAL_ERROR})
        await self._end(CLOSE_INTERNAL_ERROR, "Service unavailable")

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        self.api_id, self.stage_name = kwargs["api_id"], kwargs["stage"]
        self.gateway = await database_sync_to_async(services.gateway_for)(self.api_id, self.stage_name)
        if self.gateway is None:
            self.answered = True
            await self.close()  # no such WebSocket API stage: the upgrade is refused
            return
        connection_id = services.new_connection_id()
        request = services.request_from_scope(self.scope)
        self.owner = viewers.viewer_of_scope(self.scope)
        try:
            outcome: EventOutcome = await _engine(self.gateway.connect)(
                request, connection_id=connection_id, channel=self.channel_name
            )
            if outcome.accepted:
                await _engine(viewers.record_owner)(self.api_id, self.stage_name, connection_id, self.owner)
        except OUTAGE_ERRORS as exc:  # the Store (Redis) is unreachable: refuse, as a busy AWS would
            logger.warning("WebSocket upgrade refused with 503: store unavailable (%r)", exc)
            self.answered = True
            await self._refuse(503, UNAVAILABLE)
            return
        await publish_trace(self.api_id, self.stage_name, outcome.trace, owner=self.owner)
        self.answered = True
        if not outcome.accepted:
            await self._refuse(outcome.status, outcome.trace.response)
            return
        self.connection_id = connection_id
        self.connected_at = self.last_active = services.CLOCK.now_ms()
        await self.accept()
        # Pushes from this process come straight to the socket; other processes' through the layer.
        delivery.register(self.channel_name, self)
        try:
            await deliver(outcome.actions)
        except OUTAGE_ERRORS as exc:
            logger.warning("$connect pushes of %s not delivered (%r)", connection_id, exc)
        self._watchdog = asyncio.create_task(self._watch_timeouts())
        if self.api_id == ticker.API_ID:
            ticker.joined()

    async def _refuse(self, status: int, response: Response) -> None:
        await refuse(self, status, response)

    async def websocket_receive(self, message: dict[str, Any]) -> None:
        """A client message; the frame sizes travel beside it when the server reports them."""
        frames = message.get(FRAMES_KEY)
        data = message["text"] if message.get("text") is not None else (message.get("bytes") or b"")
        await self.receive_message(data, frames=frames)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.receive_message(text_data if text_data is not None else (bytes_data or b""))

    async def receive_message(self, data: str | bytes, *, frames: list[int] | None = None) -> None:
        if not self.connection_id:
            return
        self.last_active = services.CLOCK.now_ms()
        try:
            outcome: EventOutcome = await _engine(self.gateway.message)(
                self.connection_id, data, frames=frames
            )
            if outcome.reply is not None:
                await self.send(text_data=outcome.reply.decode("utf-8", "replace"))
            await deliver(outcome.actions)
        except OUTAGE_ERRORS as exc:
            # The message was not delivered: say so, in AWS's error-frame shape, instead of losing it.
            logger.warning(
                "message on %s not delivered: store or channel layer unavailable (%r)",
                self.connection_id,
                exc,
            )
            await self.send(text_data=self._error_frame())
            return
        await publish_trace(self.api_id, self.stage_name, outcome.trace, owner=self.owner)
        if outcome.close is not None:
            await self._close_from_server(outcome.close.code, outcome.close.reason)

    def _error_frame(self) -> str:
        return json.dumps(
            {
                "message": "Internal server error",
                "connectionId": self.connection_id,
                "requestId": services.new_connection_id(),
            }
        )

    async def disconnect(self, code: int) -> None:
        status, reason = self.server_close or (code, "")
        await self._end(status, reason)

    async def _end(self, code: int, reason: str) -> None:
        """Run $disconnect once (best effort, §9: the connection is already gone) and stop the timers."""
        if not self.connection_id:
            return
        connection_id, self.connection_id = self.connection_id, ""
        delivery.unregister(self.channel_name)
        if self._watchdog is not None:
            self._watchdog.cancel()
        if self.api_id == ticker.API_ID:
            ticker.left()
        try:
            outcome: EventOutcome = await _engine(self.gateway.disconnect)(
                connection_id, code=code, reason=reason
            )
            await _engine(viewers.forget_owner)(self.api_id, self.stage_name, connection_id)
            await deliver(outcome.actions)
        except OUTAGE_ERRORS as exc:
            logger.warning(
                "$disconnect of %s not run: store or channel layer unavailable (%r)", connection_id, exc
            )
            return
        await publish_trace(self.api_id, self.stage_name, outcome.trace, owner=self.owner)

    async def _close_from_server(self, code: int, reason: str) -> None:
        self.server_close = (code, reason)
        await self.close(code=code)

    async def close_from_server(self, code: int, reason: str) -> None:
        """A DeleteConnection for this client from this process (``delivery.deliver``)."""
        await self._close_from_server(code, reason)

    async def _watch_timeouts(self) -> None:
        """Close the connection when it goes idle or reaches its maximum duration (§5.1)."""
        limits = self.gateway.limits
        while self.connection_id:
            wait = ms_until_timeout(
                connected_at_ms=self.connected_at,
                last_active_ms=self.last_active,
                now_ms=services.CLOCK.now_ms(),
                limits=limits,
            )
            if wait > 0:
                await asyncio.sleep(wait / 1000)
                continue
            try:
                close = await _engine(self.gateway.timeout_due)(self.connection_id)
            except OUTAGE_ERRORS:
                await asyncio.sleep(1)  # the registry is unreachable: the receive loop reports the outage
                continue
            if close is not None:
                await self._close_from_server(close.code, close.reason)
                return
            await asyncio.sleep(0.1)  # the registry saw activity this consumer did not: look again shortly

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Run pushes and closes directly; everything else as Channels does."""
        # Channels runs close_old_connections() in its one sync thread before every handler. Pushes
        # never touch the database, and that thread hop (~0.4 ms) made a 1,000-client broadcast
        # queue up behind a single thread.
        if message["type"] == "ws.push":
            await self.ws_push(message)
        elif message["type"] == "ws.close":
            await self.ws_close(message)
        else:
            await super().dispatch(message)

    async def ws_push(self, event: dict[str, Any]) -> None:
        """A push from @connections (this process or another) for this client."""
        await self.send(text_data=event["text"])

    async def ws_close(self, event: dict[str, Any]) -> None:
        """A DeleteConnection for this client."""
        await self._close_from_server(int(event["code"]), str(event.get("reason", "")))


class TraceLogConsumer(BoundedExitMixin, AsyncWebsocketConsumer):
    """The demo page's event log: the engine traces of one API stage, redacted (lab only).

    A person sees the traces of the connections their own browser opened (same viewer cookie);
    staff see every connection's. Secrets are masked before publishing (``delivery.shown_trace``).
    """

    group = ""
    viewer = ""
    staff = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        except OUTAGE_ERRORS as exc:
            logger.warning("trace feed closed: channel layer unavailable (%r)", exc)
            with contextlib.suppress(Exception):
                if self.group:
                    await self.base_send({"type": "websocket.close", "code": CLOSE_INTERNAL_ERROR})
                else:
                    await refuse(self, 503, UNAVAILABLE)

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        self.viewer = viewers.viewer_of_scope(self.scope)
        self.staff = await database_sync_to_async(viewers.is_staff_scope)(self.scope)
        try:
            await self.channel_layer.group_add(
                services.trace_group(kwargs["api_id"], kwargs["stage"]), self.channel_name
            )
        except OUTAGE_ERRORS:
            await refuse(self, 503, UNAVAILABLE)
            return
        self.group = services.trace_group(kwargs["api_id"], kwargs["stage"])
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            with contextlib.suppress(*OUTAGE_ERRORS):
                await self.channel_layer.group_discard(self.group, self.channel_name)

    async def trace_event(self, event: dict[str, Any]) -> None:
        if self.staff or (self.viewer and event.get("owner") == self.viewer):
            await self.send(text_data=json.dumps(event["trace"]))
