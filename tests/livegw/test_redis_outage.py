"""When Redis goes away and comes back (issue 16).

Before: clients were dropped without a close frame (1006), new upgrades got HTTP 500 and a chat
message sent during the outage was lost without a word. Now: open connections close with 1011, new
upgrades are refused with 503, a message that could not be handled gets an AWS-style error frame,
and everything works again once Redis is back. A real redis-server is killed and restarted.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from gateway_lab.asgi import application
from gateway_lab.livegw import services, store
from tests.conftest import AsgiServer

from .redis_servers import PrivateRedis, migrated_sqlite, redis_server

pytestmark = [pytest.mark.redis]
RECOVERY_BOUND_S = 10.0


@pytest.fixture
def redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    yield server
    server.stop()


# --- In process: the Store on Redis, the in-memory channel layer ---------------------------------


@pytest.fixture
def store_on_redis(redis: PrivateRedis, settings: Any) -> Iterator[PrivateRedis]:
    settings.REDIS_URL = redis.url
    store.live_store.cache_clear()
    services._gateways.clear()
    yield redis
    store.live_store.cache_clear()
    services._gateways.clear()


@pytest.mark.django_db(transaction=True)
async def test_message_during_store_outage_gets_an_error_frame(store_on_redis: PrivateRedis) -> None:
    """Issue 16: a chat message that cannot be handled is answered with an error frame, not lost."""
    socket = WebsocketCommunicator(application, "/gw/demo-ws/prod")
    assert (await socket.connect())[0]
    await socket.send_to(text_data=json.dumps({"action": "whoami"}))
    connection_id = json.loads(await socket.receive_from())["connectionId"]
    store_on_redis.stop()
    await socket.send_to(text_data=json.dumps({"action": "sendmessage", "data": "lost?"}))
    error = json.loads(await socket.receive_from(timeout=10))
    assert error["message"] == "Internal server error" and error["connectionId"] == connection_id
    assert error["requestId"]
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_upgrade_during_store_outage_is_refused_503(store_on_redis: PrivateRedis) -> None:
    """Issue 16: a new connection while the Store is unreachable is refused with 503, not 500."""
    store_on_redis.stop()
    socket = WebsocketCommunicator(application, "/gw/demo-ws/prod")
    connected, code = await socket.connect(timeout=10)
    assert (connected, code) == (False, 503)


# --- On uvicorn: the channel layer and the Store on Redis -----------------------------------------


@pytest.fixture
def server(redis: PrivateRedis, tmp_path: Any) -> Iterator[AsgiServer]:
    asgi = redis_server(redis.url, migrated_sqlite(tmp_path))
    yield asgi
    asgi.stop()


def _upgrade_status(server: AsgiServer) -> int:
    try:
        with connect(f"{server.ws_url}/gw/demo-ws/prod", open_timeout=5) as socket:
            socket.send(json.dumps({"action": "whoami"}))
            json.loads(socket.recv(timeout=5))
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


def test_redis_outage_closes_1011_refuses_503_and_recovers(server: AsgiServer, redis: PrivateRedis) -> None:
    """Issue 16: 1011 for open sockets, 503 for new upgrades, and service again after Redis restarts."""
    with connect(f"{server.ws_url}/gw/demo-ws/prod", open_timeout=10) as socket:
        socket.send(json.dumps({"action": "whoami"}))
        assert json.loads(socket.recv(timeout=10))["type"] == "whoami"
        redis.stop()
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1011
    assert _upgrade_status(server) == 503
    redis.start()
    restarted = time.monotonic()
    while _upgrade_status(server) != 101:
        assert time.monotonic() - restarted < RECOVERY_BOUND_S, server.output()
        time.sleep(0.05)
    recovered_s = time.monotonic() - restarted
    print(f"\nreconnect after Redis restart: {recovered_s:.2f} s")
    assert "Exception in ASGI application" not in server.output()


def test_chat_message_sent_into_an_outage_is_never_lost_silently(
    server: AsgiServer, redis: PrivateRedis
) -> None:
    """Issue 16: the sender of a message during the outage is told: an error frame or a 1011 close."""
    with connect(f"{server.ws_url}/gw/demo-ws/prod", open_timeout=10) as socket:
        socket.send(json.dumps({"action": "whoami"}))
        socket.recv(timeout=10)
        redis.stop()
        told = None
        try:
            socket.send(json.dumps({"action": "sendmessage", "data": "into the outage"}))
            told = json.loads(socket.recv(timeout=10))["message"]
        except ConnectionClosed as closed:
            told = closed.rcvd.code if closed.rcvd else None
    assert told in ("Internal server error", 1011)
