"""A screen's whole state at once: for a (re)connecting student, or a presenter with private parts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from .. import positions
from ..models import Participant, QuestionStatus, Room
from .polls import poll_public, poll_reveal_payload, poll_tally
from .rooms import participant_count


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
