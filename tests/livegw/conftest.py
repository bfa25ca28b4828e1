"""Fixtures for the live gateway's tests: a WebSocket gateway on a virtual clock, a private Redis."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from gateway_lab.engine.clock import VirtualClock
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.engine.model import Deployment
from gateway_lab.engine.model_load import load_stage
from gateway_lab.engine.state import MemoryStore
from gateway_lab.engine.websocket import WebSocketGateway
from gateway_lab.livegw.demo_apis import DEMO_WS_API


def make_gateway(api: dict[str, Any] | None = None, stage: dict[str, Any] | None = None) -> WebSocketGateway:
    """Return a gateway for ``api`` (default demo-ws) on a fresh virtual clock and store."""
    clock = VirtualClock()
    deployment = Deployment.create(api or DEMO_WS_API)
    return WebSocketGateway(
        deployment=deployment,
        stage=load_stage(stage or {"stageName": "prod"}, deployment.api),
        store=MemoryStore(clock),
        clock=clock,
        runtime=IntegrationRuntime.default(clock=clock),
    )


@pytest.fixture
def gateway() -> WebSocketGateway:
    return make_gateway()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A private redis-server on a free port, without persistence; stopped after the session."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/3"
    process.terminate()
    process.wait(timeout=10)
