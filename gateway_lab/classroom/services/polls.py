"""Polls: open (a drill or a prediction), answer once, tally, reveal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Count

from .. import positions
from ..models import Answer, Participant, Poll, PollKind, Room
from .events import event_append, room_drive
from .rooms import ClassroomError, check_driver


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
    check_driver(room, user)
    room.refresh_from_db()
    if kind == PollKind.DRILL:
        spec = positions.drill_poll(drill_id)
    elif kind == PollKind.PREDICT:
        spec = positions.predict_poll(room.position)
    elif kind == PollKind.STATUS:
        spec = positions.status_poll(room.position)
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
    check_driver(room, user)
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
