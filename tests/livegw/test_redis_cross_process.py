"""With REDIS_URL, a push posted to one server process reaches a client connected to another (§9)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.sync.client import connect

from gateway_lab.livegw.services import connections_token
from tests.conftest import AsgiServer

pytestmark = [pytest.mark.redis]


@pytest.fixture
def two_servers(redis_url: str, tmp_path: Path) -> Iterator[tuple[AsgiServer, AsgiServer]]:
    """Two uvicorn processes sharing one (flushed) Redis for the channel layer and the Store.

    They get a private, migrated SQLite file: the servers only read API definitions, and a database
    of their own keeps them independent of whatever else uses the shared test database.
    """
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    env = {"REDIS_URL": redis_url, "DATABASE_URL": f"sqlite:///{tmp_path / 'servers.sqlite3'}"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        check=True,
        env={**os.environ, **env},
        cwd=Path(__file__).resolve().parents[2],
    )
    first, second = AsgiServer(env=env), AsgiServer(env=env)
    yield first, second
    first.stop()
    second.stop()


def test_redis_push_via_other_process_reaches_client(two_servers: tuple[AsgiServer, AsgiServer]) -> None:
    """§9: POST @connections on process B delivers to the client whose socket is on process A."""
    server_a, server_b = two_servers
    with connect(f"{server_a.ws_url}/gw/demo-ws/prod", origin="http://localhost", open_timeout=10) as socket:
        socket.send(json.dumps({"action": "whoami"}))
        connection_id = json.loads(socket.recv(timeout=10))["connectionId"]
        request = urllib.request.Request(
            f"{server_b.url}/gw/demo-ws/prod/@connections/{connection_id}", data=b"from process B", method="POST",
            headers={"Authorization": f"Bearer {connections_token()}", "Content-Type": "text/plain"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        assert socket.recv(timeout=10) == "from process B"


def test_redis_get_via_other_process_sees_connection(two_servers: tuple[AsgiServer, AsgiServer]) -> None:
    """§9: the registry lives in Redis, so process B answers GetConnection for A's client."""
    server_a, server_b = two_servers
    with connect(f"{server_a.ws_url}/gw/demo-ws/prod", origin="http://localhost", open_timeout=10) as socket:
        socket.send(json.dumps({"action": "whoami"}))
        connection_id = json.loads(socket.recv(timeout=10))["connectionId"]
        request = urllib.request.Request(
            f"{server_b.url}/gw/demo-ws/prod/@connections/{connection_id}",
            headers={"Authorization": f"Bearer {connections_token()}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["identity"]["sourceIp"] == "127.0.0.1"
