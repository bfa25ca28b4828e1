"""Everything that changes a room (HackSoft services): open, join, drive, polls, questions, handover.

The consumer and the views call these and nothing else writes classroom rows. Every function that
drives a room takes the acting user and checks, against the database, that this user is the room's
current driver: whatever a client sends, only the driver's connections can move the class.

Public events (what every student may see) are numbered: ``event_append`` stores each one with the
room's next sequence number and keeps the last ``REPLAY_EVENTS``, so a reconnecting student gets
what it missed (``events_since``) or, past that window, a fresh ``room_snapshot``.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from . import conf, positions
from .models import Answer, Participant, Poll, PollKind, Question, QuestionStatus, Room, RoomEvent

# No 0/O, 1/I/L: a code read off a projector at the back of a room must not be ambiguous.
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


def room_close(*, room: Room, user: AbstractBaseUser) -> dict[str, Any]:
    """Close the room (driver only); return the public event. Nobody can join or reconnect after."""
    _check_driver(room, user)
    event = event_append(room=room, kind="closed", payload={}, changes={"closed": True})
    room.closed = True
    return event


def _check_driver(room: Room, user: AbstractBaseUser | AnonymousUser | None) -> None:
    """Refuse unless ``user`` is the room's driver now (read from the database, not from the client)."""
    driver_id = Room.objects.filter(pk=room.pk).values_list("driver_id", flat=True).first()
    if user is None or not user.is_authenticated or driver_id != user.pk:
        raise ClassroomError("not_driver")


def room_handover(*, room: Room, user: AbstractBaseUser, to_username: str) -> str:
    """Hand the room to another presenter (the driver's explicit act); return the new driver's name."""
    _check_driver(room, user)
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
    _check_driver(room, user)
    participant = room.participants.filter(pk=participant_id).first()
    if participant is not None:
        hand_set(participant=participant, raised=False)
    return participant


# --- Events and snapshots -----------------------------------------------------------------------
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


def room_snapshot(
    *, room: Room, participant: Participant | None = None, presenter: AbstractBaseUser | None = None
) -> dict[str, Any]:
    """Return the room's current state for one screen: a student's, or a presenter's (with private parts)."""
    room.refresh_from_db()
    poll = room.polls.first()
    snapshot: dict[str, Any] = {
        "type": "snapshot",
        "seq": room.seq,
        "position": positions.with_urls(room.position),
        "poll": poll_public(poll) if poll else None,
        "questions": [
            {"id": q.pk, "text": q.text} for q in room.questions.filter(status=QuestionStatus.SHOWN)
        ],
        "closed": room.closed,
    }
    if poll and poll.revealed:
        snapshot["reveal"] = poll_reveal_payload(poll)
    if participant is not None:
        mine = poll and poll.answers.filter(participant=participant).first()
        snapshot["me"] = {"name": participant.name, "hand": participant.hand_raised}
        snapshot["my_answer"] = mine.choice if mine else None
    if presenter is not None:
        snapshot["presenter"] = presenter_state(room=room, user=presenter)
    return snapshot


def presenter_state(*, room: Room, user: AbstractBaseUser) -> dict[str, Any]:
    """Return what only presenters see: names, hands, pending questions, the live tally."""
    poll = room.polls.first()
    return {
        "type": "presenter",
        "driver": room.driver.get_username(),
        "is_driver": room.driver_id == user.pk,
        "participants": participant_count(room),
        "hands": [{"id": p.pk, "name": p.name} for p in room.participants.filter(hand_raised=True)],
        "pending": [
            {"id": q.pk, "name": q.participant.name, "text": q.text}
            for q in room.questions.filter(status=QuestionStatus.PENDING).select_related("participant")
        ],
        "tally": poll_tally(poll) if poll else None,
    }


# --- Position -----------------------------------------------------------------------------------
def room_drive(*, room: Room, user: AbstractBaseUser | AnonymousUser | None, position: Any) -> dict[str, Any]:
    """Move the room to ``position`` (driver only) and return the public event."""
    _check_driver(room, user)
    clean = positions.clean(position)
    room.position = clean
    return event_append(
        room=room,
        kind="position",
        payload={"position": positions.with_urls(clean)},
        changes={"position": clean},
    )


# --- Polls --------------------------------------------------------------------------------------
def poll_public(poll: Poll) -> dict[str, Any]:
    """Return a poll as students see it before the reveal: question and choices, no answer."""
    return {
        "id": poll.pk,
        "kind": poll.kind,
        "question": poll.question,
        "choices": poll.choices,
        "revealed": poll.revealed,
    }


def poll_tally(poll: Poll) -> dict[str, Any]:
    """Return the answer count per choice (presenters only until the reveal)."""
    counts = dict(poll.answers.values_list("choice").annotate(n=Count("id")).values_list("choice", "n"))
    bars = [{"key": c["key"], "count": counts.get(c["key"], 0)} for c in poll.choices]
    return {"poll": poll.pk, "total": sum(counts.values()), "bars": bars}


def poll_reveal_payload(poll: Poll) -> dict[str, Any]:
    return {
        "poll": poll.pk,
        "answer": poll.answer,
        "explanation": poll.explanation,
        "tally": poll_tally(poll),
    }


def poll_open(*, room: Room, user: AbstractBaseUser, kind: str, drill_id: str = "") -> dict[str, Any]:
    """Open a drill poll or a "predict the next stage" poll at the room's position; return the event."""
    _check_driver(room, user)
    room.refresh_from_db()
    if kind == PollKind.DRILL:
        spec = positions.drill_poll(drill_id)
    elif kind == PollKind.PREDICT:
        spec = positions.predict_poll(room.position)
    else:
        raise ClassroomError("bad_poll_kind", field="kind")
    poll = Poll.objects.create(room=room, kind=kind, **spec)
    return event_append(room=room, kind="poll", payload={"poll": poll_public(poll)})


def poll_answer(*, room: Room, participant: Participant, poll_id: Any, choice: Any) -> dict[str, Any]:
    """Record a student's one answer to the room's current poll and return the new tally."""
    (result,) = poll_answers_record([(room, participant, poll_id, choice)])
    if isinstance(result, ClassroomError):
        raise result
    return result


def poll_answers_record(
    answers: list[tuple[Room, Participant, Any, Any]],
) -> list[dict[str, Any] | ClassroomError]:
    """Record a batch of answers in one transaction; return each one's poll tally, or its refusal.

    One answer per participant and poll: the database's unique constraint decides, so two sockets
    (or two server processes) of the same student cannot both count. Each answer has its own
    savepoint, so a refused one does not undo the others.
    """
    results: list[Any] = []
    polls: dict[int, Poll | None] = {}
    counted: dict[int, Poll] = {}
    with transaction.atomic():
        for room, participant, poll_id, choice in answers:
            if room.pk not in polls:
                polls[room.pk] = room.polls.first()
            poll = polls[room.pk]
            try:
                if poll is None or poll.pk != poll_id:
                    raise ClassroomError("no_such_poll", field="poll")
                if poll.revealed:
                    raise ClassroomError("poll_closed", field="poll")
                if choice not in {c["key"] for c in poll.choices}:
                    raise ClassroomError("bad_choice", field="choice")
                try:
                    with transaction.atomic():
                        Answer.objects.create(poll=poll, participant=participant, choice=choice)
                except IntegrityError:
                    raise ClassroomError("already_answered", field="choice") from None
            except ClassroomError as error:
                results.append(error)
                continue
            counted[poll.pk] = poll
            results.append(poll.pk)
    tallies = {pk: poll_tally(poll) for pk, poll in counted.items()}
    return [tallies[r] if isinstance(r, int) else r for r in results]


def poll_reveal(*, room: Room, user: AbstractBaseUser) -> list[dict[str, Any]]:
    """Reveal the current poll's answer, explanation and tally; step the room to show it. Return events."""
    _check_driver(room, user)
    poll = room.polls.first()
    if poll is None:
        raise ClassroomError("no_such_poll")
    if poll.revealed:
        raise ClassroomError("poll_closed")
    Poll.objects.filter(pk=poll.pk).update(revealed=True)
    poll.revealed = True
    events = [event_append(room=room, kind="reveal", payload={"reveal": poll_reveal_payload(poll)})]
    if poll.reveal_position:
        events.append(room_drive(room=room, user=user, position=poll.reveal_position))
    return events


# --- Questions ----------------------------------------------------------------------------------
def question_ask(*, room: Room, participant: Participant, text: Any) -> Question:
    """Queue a student's question for the presenter's moderation (nobody else sees it yet)."""
    text = " ".join(str(text or "").split())
    if not 1 <= len(text) <= 280:
        raise ClassroomError("bad_question", field="text")
    pending = participant.questions.filter(status=QuestionStatus.PENDING).count()
    if pending >= conf.get("QUESTIONS_PER_PARTICIPANT"):
        raise ClassroomError("too_many_questions", field="text")
    return Question.objects.create(room=room, participant=participant, text=text)


def question_moderate(
    *, room: Room, user: AbstractBaseUser, question_id: Any, show: bool
) -> dict[str, Any] | None:
    """Show a pending question to the class (without its author's name) or dismiss it."""
    _check_driver(room, user)
    question = room.questions.filter(pk=question_id if isinstance(question_id, int) else -1).first()
    if question is None or question.status != QuestionStatus.PENDING:
        raise ClassroomError("no_such_question", field="question")
    question.status = QuestionStatus.SHOWN if show else QuestionStatus.DISMISSED
    question.save(update_fields=["status"])
    if not show:
        return None
    return event_append(
        room=room, kind="question", payload={"question": {"id": question.pk, "text": question.text}}
    )
