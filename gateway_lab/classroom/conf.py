"""Classroom limits, read from ``settings.GATEWAY_LAB["CLASSROOM"]`` with these defaults."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "MAX_PARTICIPANTS": 400,  # per room
    "IDLE_MINUTES": 180,  # a room nobody drove or joined for this long has expired
    "REPLAY_EVENTS": 200,  # public events kept per room for reconnects
    "MESSAGE_RATE": 5.0,  # messages per second a student's connection may send …
    "MESSAGE_BURST": 10,  # … with this burst (a presenter's connection: five times both)
    "ROOM_MESSAGE_RATE": 200.0,  # messages per second all students of a room may send together …
    "ROOM_MESSAGE_BURST": 400,  # … with this burst
    "QUESTIONS_PER_PARTICIPANT": 5,  # pending questions one student may have at once
}


def get(name: str) -> Any:
    """Return the classroom setting ``name``."""
    return getattr(settings, "GATEWAY_LAB", {}).get("CLASSROOM", {}).get(name, DEFAULTS[name])
