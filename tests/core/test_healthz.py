"""/healthz answers within a bound whatever the channel layer does; HEAD answers (issue 16)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.layers import channel_layers

from gateway_lab.core import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_redis() -> Iterator[int]:
    """A TCP port on 127.0.0.1 that accepts connections and never answers: a hung Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(timeout=2)
    for connection in accepted:
        connection.close()
    server.close()


@pytest.fixture
def redis_layer_at(settings):  # type: ignore[no-untyped-def]
    def use(port: int) -> None:
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [{"address": f"redis://127.0.0.1:{port}/0", "socket_timeout": 15}]},
            }
        }
        channel_layers.backends.clear()

    yield use
    channel_layers.backends.clear()


def test_healthz_answers_503_within_bound_when_redis_hangs(client, silent_redis, redis_layer_at) -> None:
    """Issue 16: a Redis that accepts and never answers gives 503 within ~1 s, not a hang."""
    redis_layer_at(silent_redis)
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and elapsed < health.PROBE_TIMEOUT_S + 1.0
    assert response.json()["checks"]["channel_layer"] == "error: no answer within 1 s"
    assert response.json()["checks"]["database"] == "ok"


def test_head_healthz_answers_200_through_django(client) -> None:
    """Issue 16: HEAD /healthz answered 405; it answers 200 like GET."""
    assert client.head("/healthz").status_code == 200


def test_head_home_answers_200(client) -> None:
    """Issue 16: HEAD / answered 405; it answers 200 like GET."""
    assert client.head("/").status_code == 200


def test_healthz_refuses_other_methods(client) -> None:
    response = client.post("/healthz")
    assert response.status_code == 405 and "HEAD" in response["Allow"]


def _asgi_get(method: str) -> tuple[int, dict[bytes, bytes], bytes]:
    from asgiref.sync import async_to_sync

    async def call() -> tuple[int, dict[bytes, bytes], bytes]:
        app = health.with_health(_never_called)
        scope = {"type": "http", "method": method, "path": "/healthz", "headers": []}
        communicator = ApplicationCommunicator(app, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(timeout=5)
        body = await communicator.receive_output(timeout=5)
        return start["status"], dict(start["headers"]), body["body"]

    return async_to_sync(call)()


async def _never_called(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    raise AssertionError("/healthz must be answered before Django")


def test_asgi_health_answers_before_django(transactional_db) -> None:
    """Issue 16: uvicorn's /healthz never enters Django (whose sync thread may be busy)."""
    status, headers, body = _asgi_get("GET")
    assert status == 200 and b'"status": "ok"' in body
    assert headers[b"cache-control"].startswith(b"max-age=0, no-cache")


def test_asgi_health_head_has_no_body_and_post_is_405(transactional_db) -> None:
    status, headers, body = _asgi_get("HEAD")
    assert (status, body) == (200, b"") and int(headers[b"content-length"]) > 0
    status, headers, _ = _asgi_get("POST")
    assert status == 405 and headers[b"allow"] == b"GET, HEAD"
