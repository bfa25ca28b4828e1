"""Rooms, their driver and their participants (join, hands)."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import conf
from ..models import Participant, Room

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
PRESENTER_GROUP = "presenter"
NAME_RE = re.compile(r"^[^\x00-\x1f<>]{1,40}$")


class ClassroomError(Exception):
    """A refused action; ``code`` is stable (clients and tests match it), ``field`` names the input."""

    def __init__(self, code: str, *, field: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.field = field


# --- Rooms --------------------------------------------------------------------------------------
def is_presenter(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Return whether ``user`` may open and drive rooms: staff, or a member of the "presenter" group."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_staff or user.groups.filter(name=PRESENTER_GROUP).exists())


def code_normalise(value: str) -> str:
    """Return a typed join code in canonical form (upper case, no spaces or dashes)."""
    return re.sub(r"[\s-]+", "", value or "").upper()


def room_open(*, user: AbstractBaseUser, title: str = "") -> Room:
    """Open a room driven by ``user`` with a fresh, unambiguous join code."""
    if not is_presenter(user):
        raise ClassroomError("not_presenter")
    for _attempt in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return Room.objects.create(
                    code=code, owner=user, driver=user, title=title[:120], active_at=timezone.now()
                )
        except IntegrityError:
            continue
    raise ClassroomError("no_code")


def room_expired(room: Room) -> bool:
    """Return whether the room is closed or idle past ``IDLE_MINUTES``."""
    idle = timedelta(minutes=conf.get("IDLE_MINUTES"))
    return room.closed or room.active_at < timezone.now() - idle


def room_get(*, code: str) -> Room | None:
    """Return the live room with this join code (None if unknown, closed or expired)."""
    room = Room.objects.select_related("driver").filter(code=code_normalise(code)).first()
    if room is None or room_expired(room):
        return None
    return room


def room_touch(room: Room) -> None:
    """Mark the room active now (it expires ``IDLE_MINUTES`` after the last touch)."""
    room.active_at = timezone.now()
    Room.objects.filter(pk=room.pk).update(active_at=room.active_at)


def check_driver(room: Room, user: AbstractBaseUser | AnonymousUser | None) -> None:
    """Refuse unless ``user`` is the room's driver now (read from the database, not from the client)."""
    driver_id = Room.objects.filter(pk=room.pk).values_list("driver_id", flat=True).first()
    if user is None or not user.is_authenticated or driver_id != user.pk:
        raise ClassroomError("not_driver")


def room_handover(*, room: Room, user: AbstractBaseUser, to_username: str) -> str:
    """Hand the room to another presenter (the driver's explicit act); return the new driver's name."""
    check_driver(room, user)
    from django.contrib.auth import get_user_model

    target = get_user_model().objects.filter(username=to_username).first()
    if target is None or not is_presenter(target):
        raise ClassroomError("no_such_presenter", field="to")
    Room.objects.filter(pk=room.pk).update(driver=target)
    room.driver = target
    room_touch(room)
    return target.get_username()


# --- Participants -------------------------------------------------------------------------------
def participant_join(*, room: Room, name: str) -> Participant:
    """Add a student called ``name`` to the room, within its participant limit."""
    name = " ".join((name or "").split())
    if not NAME_RE.match(name):
        raise ClassroomError("bad_name", field="name")
    with transaction.atomic():
        # Write first: the room row's update takes the write lock, so concurrent joins queue here and
        # the count below is exact (SQLite cannot upgrade a read transaction that another write overtook).
        room.active_at = timezone.now()
        Room.objects.filter(pk=room.pk).update(active_at=room.active_at)
        if room.participants.count() >= conf.get("MAX_PARTICIPANTS"):
            raise ClassroomError("room_full", field="code")
        return Participant.objects.create(room=room, name=name)


def participant_count(room: Room) -> int:
    return room.participants.count()


def hand_set(*, participant: Participant, raised: bool) -> None:
    Participant.objects.filter(pk=participant.pk).update(hand_raised=raised)
    participant.hand_raised = raised


def hand_lower(*, room: Room, user: AbstractBaseUser, participant_id: int) -> Participant | None:
    """Lower a student's hand (driver only); return the participant, if in this room."""
    check_driver(room, user)
    participant = room.participants.filter(pk=participant_id).first()
    if participant is not None:
        hand_set(participant=participant, raised=False)
    return participant
