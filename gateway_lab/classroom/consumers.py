"""The room's WebSocket: one JSON protocol for the presenter's screen and every student's.

Client → server: ``{"command": …}`` with ``drive`` (a position), ``poll`` (``kind``: drill or
predict), ``reveal``, ``moderate``, ``lower_hand``, ``handover`` (the driver's), and ``answer``,
``ask``, ``hand`` (a student's). Every driving command goes through a service that checks, in the
database, that this connection's *user* drives the room; a student's connection has no user, so
"drive" from a student is refused whatever it says. Refusals come back as ``{"type": "error", …}``.

Server → client: ``snapshot`` (everything a screen needs, with the room's sequence number), public
events with a ``seq`` (``position``, ``poll``, ``reveal``, ``question``, ``closed``), and for
presenters only ``presenter`` (names, hands, pending questions, the live tally). A client opens the
socket with ``?since=<last seq it saw>``: it gets the events it missed, or a snapshot if they were
pruned. It joins the group before reading, so an event may arrive twice; clients ignore old seqs.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from . import answers, conf, limits, services
from .models import Participant, Room
from .sessions import participant_id_for

CLOSE_NO_ROOM = 4404
CLOSE_FORBIDDEN = 4403
PANEL_REFRESH_S = 0.15


def room_group(room: Room) -> str:
    return f"classroom-{room.pk}"


def presenters_group(room: Room) -> str:
    return f"classroom-{room.pk}-presenters"


def participant_group(participant: Participant) -> str:
    return f"classroom-{participant.room_id}-participant-{participant.pk}"


class RoomConsumer(AsyncJsonWebsocketConsumer):
    room: Room
    participant: Participant | None = None
    presenter: Any = None
    refresh: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode("ascii", "replace"))
        role = (query.get("role") or ["student"])[0]
        self.room, self.participant, self.presenter = await self._identify(role)
        refusal = CLOSE_NO_ROOM if self.room is None else None
        if refusal is None and self.participant is None and self.presenter is None:
            refusal = CLOSE_FORBIDDEN
        if refusal is not None:
            # Accept, then close with the reason: a refused handshake reaches a browser as a bare
            # 1006, and the page would keep reconnecting to a room that is gone.
            self.room = None
            await self.accept()
            await self.close(code=refusal)
            return
        await self.channel_layer.group_add(room_group(self.room), self.channel_name)
        if self.presenter is not None:
            await self.channel_layer.group_add(presenters_group(self.room), self.channel_name)
        if self.participant is not None:  # all of one student's sockets (two tabs, a phone)
            await self.channel_layer.group_add(participant_group(self.participant), self.channel_name)
        await self.accept()
        since = (query.get("since") or [""])[0]
        replay = await self._replay(int(since)) if since.isdigit() else None
        if replay is None:
            await self.send_json(await self._snapshot())
        else:
            for event in replay:
                await self.send_json(event)
            if self.presenter is not None:
                await self.send_json(await self._presenter_state())
        if self.participant is not None:
            await self._notify_presenters()

    async def disconnect(self, code: int) -> None:
        if self.refresh is not None:
            self.refresh.cancel()
        room = getattr(self, "room", None)
        if room is None:
            return
        await self.channel_layer.group_discard(room_group(room), self.channel_name)
        await self.channel_layer.group_discard(presenters_group(room), self.channel_name)
        if self.participant is not None:
            await self.channel_layer.group_discard(participant_group(self.participant), self.channel_name)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Run the handler without Channels' per-message ``close_old_connections`` thread hop.

        A step fans out to every student: 300 handlers each queueing for the one sync thread cost
        most of the push latency. Handlers here touch the database only through
        ``database_sync_to_async``, which closes stale connections itself.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- Receiving --------------------------------------------------------------------------
    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        """Parse a frame; a frame that is not JSON is answered like an unknown command, not a crash."""
        try:
            return json.loads(text_data)
        except ValueError:
            return None

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not self._take_token():
            await self.send_json({"type": "error", "code": "rate_limited"})
            return
        command = content.get("command") if isinstance(content, dict) else None
        handler = getattr(self, f"command_{command}", None) if isinstance(command, str) else None
        if handler is None:
            await self.send_json({"type": "error", "code": "unknown_command"})
            return
        try:
            await handler(content)
        except services.ClassroomError as error:
            await self.send_json(
                {"type": "error", "code": error.code, "field": error.field, "command": command}
            )

    def _take_token(self) -> bool:
        """Rate limits (``limits.py``): per participant across their sockets, and per room for all
        students together; a presenter's sockets share one bucket five times as large."""
        rate, burst = conf.get("MESSAGE_RATE"), conf.get("MESSAGE_BURST")
        if self.presenter is not None:
            key = f"classroom:{self.room.pk}:user:{self.presenter.pk}"
            return limits.bucket(key, rate=rate * 5, burst=burst * 5).take()
        own = limits.bucket(
            f"classroom:{self.room.pk}:participant:{self.participant.pk}", rate=rate, burst=burst
        )
        room = limits.bucket(
            f"classroom:{self.room.pk}",
            rate=conf.get("ROOM_MESSAGE_RATE"),
            burst=conf.get("ROOM_MESSAGE_BURST"),
        )
        return own.take() and room.take()

    async def command_drive(self, content: dict[str, Any]) -> None:
        event = await database_sync_to_async(services.room_drive)(
            room=self.room, user=self.presenter, position=content.get("position")
        )
        await self._broadcast(event)

    async def command_poll(self, content: dict[str, Any]) -> None:
        self._require_presenter()
        event = await database_sync_to_async(services.poll_open)(
            room=self.room, user=self.presenter, kind=content.get("kind"), drill_id=content.get("drill", "")
        )
        await self._broadcast(event)
        await self._notify_presenters()

    async def command_reveal(self, content: dict[str, Any]) -> None:
        self._require_presenter()
        for event in await database_sync_to_async(services.poll_reveal)(room=self.room, user=self.presenter):
            await self._broadcast(event)

    async def command_moderate(self, content: dict[str, Any]) -> None:
        self._require_presenter()
        event = await database_sync_to_async(services.question_moderate)(
            room=self.room,
            user=self.presenter,
            question_id=content.get("question"),
            show=bool(content.get("show")),
        )
        if event is not None:
            await self._broadcast(event)
        await self._notify_presenters()

    async def command_lower_hand(self, content: dict[str, Any]) -> None:
        self._require_presenter()
        participant = content.get("participant")
        lowered = await database_sync_to_async(services.hand_lower)(
            room=self.room,
            user=self.presenter,
            participant_id=participant if isinstance(participant, int) else -1,
        )
        if lowered is not None:
            await self.channel_layer.group_send(
                participant_group(lowered),
                {"type": "room.private", "message": {"type": "hand", "raised": False}},
            )
        await self._notify_presenters()

    async def command_close(self, content: dict[str, Any]) -> None:
        self._require_presenter()
        event = await database_sync_to_async(services.room_close)(room=self.room, user=self.presenter)
        await self._broadcast(event, close=True)

    async def command_handover(self, content: dict[str, Any]) -> None:
        self._require_presenter()
        to = content.get("to")
        await database_sync_to_async(services.room_handover)(
            room=self.room, user=self.presenter, to_username=to if isinstance(to, str) else ""
        )
        await self._notify_presenters()

    async def command_answer(self, content: dict[str, Any]) -> None:
        participant = self._require_participant()
        recorded = await answers.batcher().submit(
            room=self.room, participant=participant, poll_id=content.get("poll"), choice=content.get("choice")
        )
        tally = recorded["tally"]
        await self.send_json({"type": "answered", "poll": tally["poll"], "choice": content.get("choice")})
        if recorded["notify"]:  # one tally per batch of answers, not one per answer
            await self.channel_layer.group_send(
                presenters_group(self.room), {"type": "room.tally", "tally": tally}
            )

    async def command_ask(self, content: dict[str, Any]) -> None:
        participant = self._require_participant()
        await database_sync_to_async(services.question_ask)(
            room=self.room, participant=participant, text=content.get("text")
        )
        await self.send_json({"type": "asked"})
        await self._notify_presenters()

    async def command_hand(self, content: dict[str, Any]) -> None:
        participant = self._require_participant()
        raised = bool(content.get("raised"))
        await database_sync_to_async(services.hand_set)(participant=participant, raised=raised)
        await self.channel_layer.group_send(
            participant_group(participant),
            {"type": "room.private", "message": {"type": "hand", "raised": raised}},
        )
        await self._notify_presenters()

    def _require_presenter(self) -> None:
        if self.presenter is None:
            raise services.ClassroomError("not_driver")

    def _require_participant(self) -> Participant:
        if self.participant is None:
            raise services.ClassroomError("not_participant")
        return self.participant

    # --- Sending ----------------------------------------------------------------------------
    async def _broadcast(self, event: dict[str, Any], *, close: bool = False) -> None:
        """Send a public event to every socket of the room (``close``: then close them all)."""
        text = json.dumps(event, ensure_ascii=False)  # encoded once here, not once per socket
        await self.channel_layer.group_send(
            room_group(self.room), {"type": "room.event", "text": text, "close": close}
        )

    async def _notify_presenters(self) -> None:
        await self.channel_layer.group_send(presenters_group(self.room), {"type": "room.presenter"})

    async def room_event(self, message: dict[str, Any]) -> None:
        await self.send(text_data=message["text"])
        if message.get("close"):
            await self.close(code=CLOSE_NO_ROOM)

    async def room_private(self, message: dict[str, Any]) -> None:
        """A message for one student's sockets only (its participant group)."""
        await self.send_json(message["message"])

    async def room_tally(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "tally", "tally": message["tally"]})

    async def room_presenter(self, message: dict[str, Any]) -> None:
        """Refresh the presenter's panel, at most once per ``PANEL_REFRESH_S``: when a class joins,
        hundreds of notifications become a few reads, not hundreds queued before the next answer."""
        if self.presenter is not None and self.refresh is None:
            self.refresh = asyncio.create_task(self._refresh_panel())

    async def _refresh_panel(self) -> None:
        await asyncio.sleep(PANEL_REFRESH_S)
        self.refresh = None
        await self.send_json(await self._presenter_state())

    # --- Database ---------------------------------------------------------------------------
    @database_sync_to_async
    def _identify(self, role: str) -> tuple[Room | None, Participant | None, Any]:
        room = services.room_get(code=self.scope["url_route"]["kwargs"]["code"])
        if room is None:
            return None, None, None
        if role == "presenter":
            user = self.scope.get("user")
            return room, None, (user if services.is_presenter(user) else None)
        session = self.scope.get("session")
        pid = participant_id_for(session, room.code) if session is not None else None
        participant = Participant.objects.filter(room=room, pk=pid).first() if pid else None
        return room, participant, None

    @database_sync_to_async
    def _snapshot(self) -> dict[str, Any]:
        return services.room_snapshot(room=self.room, participant=self.participant, presenter=self.presenter)

    @database_sync_to_async
    def _replay(self, since: int) -> list[dict[str, Any]] | None:
        return services.events_since(room=self.room, seq=since)

    @database_sync_to_async
    def _presenter_state(self) -> dict[str, Any]:
        self.room.refresh_from_db()
        return services.presenter_state(room=self.room, user=self.presenter)
