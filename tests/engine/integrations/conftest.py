"""Fixtures for the integration tests: a virtual clock, a default runtime and an IntegrationCall factory."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from gateway_lab.engine.clock import VirtualClock
from gateway_lab.engine.integrations import IntegrationCall, IntegrationRuntime
from gateway_lab.engine.messages import Request
from tests.shared_files import SAMPLES  # noqa: E402

REQUEST_TIME_MS = 1_767_225_600_000.0


def load_sample(name: str) -> Any:
    """Return a reference sample from ``/work/shared/reference/samples``."""
    return json.loads((SAMPLES / name).read_text())


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(REQUEST_TIME_MS)


@pytest.fixture
def runtime(clock: VirtualClock) -> IntegrationRuntime:
    return IntegrationRuntime.default(clock=clock)


@pytest.fixture
def make_call() -> Callable[..., IntegrationCall]:
    """Return a factory for calls with sensible defaults (REST, stage ``prod``)."""

    def factory(
        integration: dict[str, Any], request: Request | None = None, **overrides: Any
    ) -> IntegrationCall:
        fields: dict[str, Any] = {
            "api_type": "REST",
            "api_id": "abc123",
            "stage": "prod",
            "region": "us-east-1",
            "domain_name": "abc123.execute-api.us-east-1.amazonaws.com",
            "integration": integration,
            "request": request or Request.build("GET", "/pets"),
            "resource_path": "/pets",
            "request_id": "req-1",
            "extended_request_id": "ext-1",
            "request_time_ms": REQUEST_TIME_MS,
        }
        fields.update(overrides)
        return IntegrationCall(**fields)

    return factory
