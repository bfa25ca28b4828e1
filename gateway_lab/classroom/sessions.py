"""A student has no account: the session (a signed cookie names it) maps join codes to participants."""

from __future__ import annotations

from typing import Any

SESSION_KEY = "classroom"


def participant_id_for(session: Any, code: str) -> int | None:
    """Return the participant id this browser holds in room ``code``, if any."""
    value = (session.get(SESSION_KEY) or {}).get(code)
    return value if isinstance(value, int) else None


def participant_remember(session: Any, code: str, participant_id: int) -> None:
    rooms = dict(session.get(SESSION_KEY) or {})
    rooms[code] = participant_id
    session[SESSION_KEY] = rooms
