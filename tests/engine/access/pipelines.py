"""Builders for access-control pipeline tests: a small REST or HTTP API with the lab's access resources."""

from __future__ import annotations

from typing import Any

from gateway_lab.engine.clock import VirtualClock
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.engine.pipeline import Pipeline, build_pipeline
from gateway_lab.engine.state import MemoryStore

MOCK = {
    "type": "MOCK",
    "requestTemplates": {"application/json": '{"statusCode": 200}'},
    "integrationResponses": {
        "200": {"statusCode": "200", "responseTemplates": {"application/json": '{"ok": true}'}}
    },
}
ECHO = {"type": "AWS_PROXY", "httpMethod": "POST", "handler": "echo"}


def rest_api(
    method: dict[str, Any], *, path: str = "/pets", extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "id": "abc123",
        "protocolType": "REST",
        "region": "us-east-1",
        "endpointConfiguration": {"types": ["REGIONAL"]},
        "resources": [{"path": path, "resourceMethods": {"ANY": {"methodIntegration": ECHO, **method}}}],
        **(extra or {}),
    }


def pipeline(
    api: dict[str, Any], *, stage: str = "prod", variables: dict[str, str] | None = None
) -> tuple[Pipeline, VirtualClock]:
    clock = VirtualClock()
    runtime = IntegrationRuntime.default(clock=clock)
    built = build_pipeline(
        api=api,
        stage={"stageName": stage, "variables": variables or {}},
        clock=clock,
        store=MemoryStore(clock),
        runtime=runtime,
    )
    return built, clock
