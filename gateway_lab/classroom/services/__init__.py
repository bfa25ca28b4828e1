"""Everything that changes a room (HackSoft services): open, join, drive, polls, questions, handover.

The consumer and the views call these and nothing else writes classroom rows. Every function that
drives a room takes the acting user and checks, against the database, that this user is the room's
current driver: whatever a client sends, only the driver's connections can move the class.

Public events (what every student may see) are numbered: ``event_append`` stores each one with the
room's next sequence number and keeps the last ``REPLAY_EVENTS``, so a reconnecting student gets
what it missed (``events_since``) or, past that window, a fresh ``room_snapshot``.
"""

from __future__ import annotations

from .events import event_append, events_since, room_close, room_drive
from .polls import (
    poll_answer,
    poll_answers_record,
    poll_open,
    poll_public,
    poll_reveal,
    poll_reveal_payload,
    poll_tally,
)
from .questions import question_ask, question_moderate
from .rooms import (
    CODE_ALPHABET,
    CODE_LENGTH,
    NAME_RE,
    PRESENTER_GROUP,
    ClassroomError,
    check_driver,
    code_normalise,
    hand_lower,
    hand_set,
    is_presenter,
    participant_count,
    participant_join,
    room_expired,
    room_get,
    room_handover,
    room_open,
    room_touch,
)
from .snapshots import presenter_state, room_snapshot

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "NAME_RE",
    "PRESENTER_GROUP",
    "ClassroomError",
    "check_driver",
    "code_normalise",
    "event_append",
    "events_since",
    "hand_lower",
    "hand_set",
    "is_presenter",
    "participant_count",
    "participant_join",
    "poll_answer",
    "poll_answers_record",
    "poll_open",
    "poll_public",
    "poll_reveal",
    "poll_reveal_payload",
    "poll_tally",
    "presenter_state",
    "question_ask",
    "question_moderate",
    "room_close",
    "room_drive",
    "room_expired",
    "room_get",
    "room_handover",
    "room_open",
    "room_snapshot",
    "room_touch",
]
