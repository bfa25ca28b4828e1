"""Issue 13: "who else is editing" over Channels, through the real ASGI app (origin check, session)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from gateway_lab.asgi import application
from gateway_lab.lessons.roles import role_set, roles_ensure

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")
PATH = "/lessons/ws/wiki/alpha/en"


def _cookie(username: str, roles: list[str]) -> str:
    roles_ensure()
    user = get_user_model().objects.create_user(username, password="pw-for-tests-only")
    role_set(actor=None, user=user, roles=roles)
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _socket(cookie: str | None, path: str = PATH) -> WebsocketCommunicator:
    headers = [ORIGIN]
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def _editors(socket: WebsocketCommunicator) -> list[str]:
    message: dict[str, Any] = await socket.receive_json_from(timeout=3)
    return message["editors"]


async def test_editors_see_each_other_arrive_and_leave() -> None:
    alice = _socket(await sync_to_async(_cookie)("alice", ["editor"]))
    bob = _socket(await sync_to_async(_cookie)("bob", ["editor"]))
    assert (await alice.connect())[0]
    assert await _editors(alice) == []
    assert (await bob.connect())[0]
    assert await _editors(bob) == []  # on connect: nobody known yet
    assert await _editors(alice) == ["bob"]
    assert await _editors(bob) == ["alice"]  # alice answered bob's hello
    await bob.disconnect()
    assert await _editors(alice) == []
    await alice.disconnect()


async def test_other_pages_are_other_rooms() -> None:
    alice = _socket(await sync_to_async(_cookie)("alice", ["editor"]))
    carol = _socket(await sync_to_async(_cookie)("carol", ["editor"]), "/lessons/ws/wiki/alpha/zh-hans")
    assert (await alice.connect())[0] and await _editors(alice) == []
    assert (await carol.connect())[0] and await _editors(carol) == []
    assert await alice.receive_nothing(timeout=0.3)
    await alice.disconnect()
    await carol.disconnect()


@pytest.mark.parametrize("who", ["anonymous", "reader"])
async def test_only_editors_may_connect(who: str) -> None:
    cookie = None if who == "anonymous" else await sync_to_async(_cookie)("rita", ["reader"])
    socket = _socket(cookie)
    connected, code = await socket.connect()
    assert not connected and code == 4403
    # As a server does after a refusal: the client is gone, so the consumer (still listening on its
    # channel) stops now instead of being cancelled with the test's event loop.
    await socket.disconnect()
