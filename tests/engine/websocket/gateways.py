"""A WebSocket gateway on a virtual clock and a fresh store, for tests of the engine and of its front ends."""

from __future__ import annotations

from typing import Any

from gateway_lab.engine.clock import VirtualClock
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.engine.model_load import deploy, load_stage
from gateway_lab.engine.state import MemoryStore
from gateway_lab.engine.websocket import WebSocketGateway
from gateway_lab.livegw.demo_apis import DEMO_WS_API


def make_gateway(api: dict[str, Any] | None = None, stage: dict[str, Any] | None = None) -> WebSocketGateway:
    """Return a gateway for ``api`` (default demo-ws) on a fresh virtual clock and store."""
    clock = VirtualClock()
    deployment = deploy(api or DEMO_WS_API)
    return WebSocketGateway(
        deployment=deployment,
        stage=load_stage(stage or {"stageName": "prod"}, deployment.api),
        store=MemoryStore(clock),
        clock=clock,
        runtime=IntegrationRuntime.default(clock=clock),
    )
