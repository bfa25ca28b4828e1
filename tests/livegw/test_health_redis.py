"""``/healthz`` and shutdown on uvicorn with Redis while WebSocket clients are connected (issue 16).

The issue: with ``REDIS_URL`` set, ``/healthz`` hung while a WebSocket client was connected, and
SIGTERM then stalled on "Waiting for background tasks" until a second signal.
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from websockets.sync.client import connect

from tests.conftest import AsgiServer

from .redis_servers import PrivateRedis, migrated_sqlite, redis_server

pytestmark = [pytest.mark.redis]
HEALTH_BOUND_S = 2.0
SHUTDOWN_BOUND_S = 5.0


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return migrated_sqlite(tmp_path_factory.mktemp("health"))


@pytest.fixture
def redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    yield server
    server.stop()


@pytest.fixture
def server(redis: PrivateRedis, database_url: str) -> Iterator[AsgiServer]:
    asgi = redis_server(redis.url, database_url)
    yield asgi
    if asgi.process.poll() is None:
        asgi.stop()


def _timed(url: str, method: str = "GET") -> tuple[int, float, bytes]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, time.monotonic() - started, body


def _open_clients(stack: contextlib.ExitStack, server: AsgiServer, count: int) -> None:
    """Open ``count`` ticker subscribers (the publisher task runs too) and the demo's trace feed."""
    for _ in range(count):
        socket = stack.enter_context(connect(f"{server.ws_url}/gw/demo-ws/prod", open_timeout=10))
        socket.send(json.dumps({"action": "subscribe"}))
        assert json.loads(socket.recv(timeout=10))["type"] == "subscribed"
    origin = f"http://127.0.0.1:{server.port}"
    stack.enter_context(
        connect(f"{server.ws_url}/ws-demo/traces/demo-ws/prod", origin=origin, open_timeout=10)
    )


def test_healthz_answers_within_bound_while_websocket_clients_are_connected(server: AsgiServer) -> None:
    """Issue 16: every /healthz answers 200 within 2 s with Redis and connected clients."""
    with contextlib.ExitStack() as stack:
        _open_clients(stack, server, 3)
        for _ in range(10):
            status, elapsed, body = _timed(f"{server.url}/healthz")
            assert (status, json.loads(body)["checks"]) == (200, {"database": "ok", "channel_layer": "ok"})
            assert elapsed < HEALTH_BOUND_S
    status, elapsed, _ = _timed(f"{server.url}/healthz")  # and after they left
    assert status == 200 and elapsed < HEALTH_BOUND_S


def test_healthz_answers_503_within_bound_when_redis_is_gone(server: AsgiServer, redis: PrivateRedis) -> None:
    """Issue 16: with Redis down the answer is 503, not a hang, and names the failing probe."""
    with contextlib.ExitStack() as stack:
        _open_clients(stack, server, 1)
        redis.stop()
        status, elapsed, body = _timed(f"{server.url}/healthz")
    assert status == 503 and elapsed < HEALTH_BOUND_S
    checks = json.loads(body)["checks"]
    assert checks["database"] == "ok" and checks["channel_layer"].startswith("error")


def test_head_healthz_and_head_home_answer_200(server: AsgiServer) -> None:
    """Issue 16: HEAD /healthz and HEAD / answer 200 (they answered 405), without a body."""
    for path in ("/healthz", "/"):
        status, _, body = _timed(f"{server.url}{path}", method="HEAD")
        assert (status, body) == (200, b"")
    assert _timed(f"{server.url}/healthz", method="POST")[0] == 405


def test_sigterm_stops_the_server_at_once_with_clients_connected(server: AsgiServer) -> None:
    """Issue 16: one SIGTERM ends uvicorn within 5 s with WebSocket clients, the ticker and a feed open."""
    with contextlib.ExitStack() as stack:
        _open_clients(stack, server, 3)
        assert _timed(f"{server.url}/healthz")[0] == 200
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=SHUTDOWN_BOUND_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"uvicorn still running {SHUTDOWN_BOUND_S} s after SIGTERM:\n{server.output()}")
    assert time.monotonic() - started < SHUTDOWN_BOUND_S
    assert "Finished server process" in server.output()  # a clean exit, not a kill
