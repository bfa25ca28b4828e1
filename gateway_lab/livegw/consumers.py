"""Channels consumers: the WebSocket API itself (``/gw/<api-id>/<stage>``) and the demo's trace log.

The consumer only moves bytes: every decision (accept or refuse, route, reply, close, push) comes
from the engine's ``WebSocketGateway``; engine calls run in a worker thread because integrations
may take time.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from gateway_lab.engine.messages import Response
from gateway_lab.engine.websocket import EventOutcome, ms_until_timeout

from . import services, ticker
from .delivery import deliver, publish_trace

# ASGI's WebSocket Denial Response extension (uvicorn has it; Daphne does not).
DENIAL_EXTENSION = "websocket.http.response"


def _engine(fn: Any) -> Any:
    return sync_to_async(fn, thread_sensitive=False)


class GatewayConsumer(AsyncWebsocketConsumer):
    """One client connection of a WebSocket API stage."""

    gateway: Any = None
    connection_id: str = ""
    server_close: tuple[int, str] | None = None
    _watchdog: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        self.api_id, self.stage_name = kwargs["api_id"], kwargs["stage"]
        self.gateway = await database_sync_to_async(services.gateway_for)(self.api_id, self.stage_name)
        if self.gateway is None:
            await self.close()  # no such WebSocket API stage: the upgrade is refused
            return
        connection_id = services.new_connection_id()
        request = services.request_from_scope(self.scope)
        outcome: EventOutcome = await _engine(self.gateway.connect)(
            request, connection_id=connection_id, channel=self.channel_name
        )
        await publish_trace(self.api_id, self.stage_name, outcome.trace)
        if not outcome.accepted:
            await self._refuse(outcome.status, outcome.trace.response)
            return
        self.connection_id = connection_id
        self.connected_at = self.last_active = services.CLOCK.now_ms()
        await self.accept()
        await deliver(outcome.actions)
        self._watchdog = asyncio.create_task(self._watch_timeouts())
        if self.api_id == ticker.API_ID:
            ticker.ensure_running()

    async def _refuse(self, status: int, response: Response) -> None:
        """Refuse the upgrade with the engine's status and body (401, 403, 500...), as AWS does (§9)."""
        if DENIAL_EXTENSION not in self.scope.get("extensions", {}):
            # Without the ASGI Denial Response extension the server answers every refusal with 403;
            # the close code then carries the real status (Channels' test communicator reports it).
            await self.close(code=status)
            return
        headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in response.headers.pairs
        ]
        await self.base_send({"type": "websocket.http.response.start", "status": status, "headers": headers})
        await self.base_send({"type": "websocket.http.response.body", "body": response.body})

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.connection_id:
            return
        data: str | bytes = text_data if text_data is not None else (bytes_data or b"")
        self.last_active = services.CLOCK.now_ms()
        outcome: EventOutcome = await _engine(self.gateway.message)(self.connection_id, data)
        if outcome.reply is not None:
            await self.send(text_data=outcome.reply.decode("utf-8", "replace"))
        await deliver(outcome.actions)
        await publish_trace(self.api_id, self.stage_name, outcome.trace)
        if outcome.close is not None:
            await self._close_from_server(outcome.close.code, outcome.close.reason)

    async def disconnect(self, code: int) -> None:
        if not self.connection_id:
            return
        if self._watchdog is not None:
            self._watchdog.cancel()
        status, reason = self.server_close or (code, "")
        outcome: EventOutcome = await _engine(self.gateway.disconnect)(
            self.connection_id, code=status, reason=reason
        )
        self.connection_id = ""
        await deliver(outcome.actions)
        await publish_trace(self.api_id, self.stage_name, outcome.trace)

    async def _close_from_server(self, code: int, reason: str) -> None:
        self.server_close = (code, reason)
        await self.close(code=code)

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
            close = await _engine(self.gateway.timeout_due)(self.connection_id)
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


class TraceLogConsumer(AsyncWebsocketConsumer):
    """The demo page's event log: every event's engine trace for one API stage (lab only)."""

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        self.group = services.trace_group(kwargs["api_id"], kwargs["stage"])
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def trace_event(self, event: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(event["trace"]))
