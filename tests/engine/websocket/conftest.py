"""Fixtures for the engine's WebSocket gateway tests."""

from __future__ import annotations

import pytest

from gateway_lab.engine.websocket import WebSocketGateway

from .gateways import make_gateway


@pytest.fixture
def gateway() -> WebSocketGateway:
    return make_gateway()
