"""The demo ticker's publisher runs only while this process holds a demo-ws connection (issue 16).

A publisher task left running after the last connection closed is a background task that outlives
every client; it now stops with the last one, so nothing keeps a shutting-down server waiting.
"""

from __future__ import annotations

import asyncio

import pytest
from channels.testing import WebsocketCommunicator

from gateway_lab.asgi import application
from gateway_lab.livegw import ticker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_process() -> None:
    """Start as a fresh server process would: no publisher, no demo-ws connection counted.

    (Other tests may leave communicators unclosed; their event loops are gone, not their count.)
    """
    ticker.stop()
    ticker._holders = 0


async def test_publisher_starts_with_the_first_connection_and_stops_with_the_last() -> None:
    """§9 demo: two connections start one publisher; closing both cancels it."""
    assert not ticker.running()
    first = WebsocketCommunicator(application, "/gw/demo-ws/prod")
    second = WebsocketCommunicator(application, "/gw/demo-ws/prod")
    assert (await first.connect())[0] and (await second.connect())[0]
    assert ticker.running()
    await first.disconnect()
    assert ticker.running()  # one connection is still open
    await second.disconnect()
    await asyncio.sleep(0)  # let the cancellation land
    assert not ticker.running()


async def test_other_apis_do_not_start_the_publisher() -> None:
    """Only demo-ws has subscribers to publish to."""
    assert not ticker.running()
    socket = WebsocketCommunicator(application, "/gw/no-such-api/prod")
    await socket.connect()
    assert not ticker.running()
