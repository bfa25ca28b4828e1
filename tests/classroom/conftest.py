"""Fixtures for classroom tests: a presenter (the "presenter" group), a room, signed-in sockets."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from gateway_lab.asgi import application
from gateway_lab.classroom import services
from gateway_lab.classroom.models import Participant, Room
from gateway_lab.classroom.sessions import participant_remember

ORIGIN = (b"origin", b"http://localhost")
PRESET = "rest-vs-http"


def make_presenter(username: str = "teacher") -> Any:
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-only")
    group, _ = Group.objects.get_or_create(name=services.PRESENTER_GROUP)
    user.groups.add(group)
    return user


def presenter_cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def student_cookie(room: Room, name: str) -> tuple[Participant, str]:
    participant = services.participant_join(room=room, name=name)
    session = SessionStore()
    participant_remember(session, room.code, participant.pk)
    session.save()
    return participant, session.session_key


@pytest.fixture
def presenter(db: None) -> Any:
    return make_presenter()


@pytest.fixture
def room(presenter: Any) -> Room:
    return services.room_open(user=presenter, title="Class 3B")


async def open_socket(
    room: Room, cookie: str | None, *, role: str = "student", since: int | None = None
) -> Any:
    """Connect to the room's socket with this session cookie; return the communicator."""
    query = f"?role={role}" + (f"&since={since}" if since is not None else "")
    headers = [ORIGIN]
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    communicator = WebsocketCommunicator(application, f"/classroom/ws/{room.code}{query}", headers=headers)
    connected, code = await communicator.connect()
    assert connected, code
    return communicator


async def presenter_socket(room: Room, user: Any, *, since: int | None = None) -> Any:
    cookie = await sync_to_async(presenter_cookie)(user)
    return await open_socket(room, cookie, role="presenter", since=since)


async def student_socket(room: Room, name: str, *, since: int | None = None) -> tuple[Participant, Any]:
    participant, cookie = await sync_to_async(student_cookie)(room, name)
    return participant, await open_socket(room, cookie, since=since)


DRILL_ID = "classroom-test-drill"


@pytest.fixture
def drill(db: None) -> Any:
    """A single-answer drill in both languages (the test database has no content loaded)."""
    from gateway_lab.lessons.models import Drill

    return Drill.objects.create(
        drill_id=DRILL_ID,
        lesson_slug="performance",
        question={
            "en": "Which status does a throttled request get?",
            "zh-hans": "被限流的请求得到什么状态码？",
        },
        options=[
            {
                "text": {"en": "503", "zh-hans": "503"},
                "correct": False,
                "explanation": {"en": "No.", "zh-hans": "不对。"},
            },
            {
                "text": {"en": "429", "zh-hans": "429"},
                "correct": True,
                "explanation": {"en": "429 Too Many Requests.", "zh-hans": "429 请求过多。"},
            },
            {
                "text": {"en": "403", "zh-hans": "403"},
                "correct": False,
                "explanation": {"en": "No.", "zh-hans": "不对。"},
            },
        ],
    )
