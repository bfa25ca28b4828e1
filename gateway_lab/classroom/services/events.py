"""The numbered public events of a room (the replay log) and the position the driver sets."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import conf, positions
from ..models import Room, RoomEvent
from .rooms import check_driver


# --- Events -----------------------------------------------------------------------------------
def event_append(
    *, room: Room, kind: str, payload: dict[str, Any], changes: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Store a public event under the room's next sequence number and return it as sent.

    ``changes`` are room fields written in the same transaction (one commit per event: on SQLite
    each commit is a disk sync, the bulk of an event's cost).
    """
    with transaction.atomic():
        Room.objects.filter(pk=room.pk).update(seq=F("seq") + 1, active_at=timezone.now(), **(changes or {}))
        seq = Room.objects.filter(pk=room.pk).values_list("seq", flat=True).get()
        RoomEvent.objects.create(room=room, seq=seq, kind=kind, payload=payload)
        keep = conf.get("REPLAY_EVENTS")
        if seq > keep and seq % 20 == 0:  # prune now and then, not on every event
            RoomEvent.objects.filter(room=room, seq__lte=seq - keep).delete()
    room.seq = seq
    return {"type": kind, "seq": seq, **payload}


def events_since(*, room: Room, seq: int) -> list[dict[str, Any]] | None:
    """Return the public events after ``seq`` in order, or None if some were already pruned."""
    current = Room.objects.filter(pk=room.pk).values_list("seq", flat=True).get()
    if seq > current or seq < 0:
        return None
    events = list(RoomEvent.objects.filter(room=room, seq__gt=seq).order_by("seq"))
    if len(events) != current - seq:
        return None
    return [{"type": e.kind, "seq": e.seq, **e.payload} for e in events]


# --- Position -----------------------------------------------------------------------------------
def room_drive(*, room: Room, user: AbstractBaseUser | AnonymousUser | None, position: Any) -> dict[str, Any]:
    """Move the room to ``position`` (driver only) and return the public event."""
    check_driver(room, user)
    clean = positions.clean(position)
    room.position = clean
    return event_append(
        room=room,
        kind="position",
        payload={"position": positions.with_urls(clean)},
        changes={"position": clean},
    )


def room_close(*, room: Room, user: AbstractBaseUser) -> dict[str, Any]:
    """Close the room (driver only); return the public event. Nobody can join or reconnect after."""
    check_driver(room, user)
    event = event_append(room=room, kind="closed", payload={}, changes={"closed": True})
    room.closed = True
    return event
