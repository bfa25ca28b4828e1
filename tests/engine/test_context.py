"""The pipeline's positional ``start_context`` builds the same Context as the dataclass (issue 17)."""

from __future__ import annotations

from dataclasses import fields

from gateway_lab.engine import MemoryStore, Request, VirtualClock
from gateway_lab.engine.context import AccountSettings, Context, start_context
from gateway_lab.engine.model_load import deploy, load_stage

API = {
    "id": "ctx",
    "protocolType": "REST",
    "resources": [{"path": "/", "resourceMethods": {"GET": {"methodIntegration": {"type": "MOCK"}}}}],
}


def test_start_context_equals_the_dataclass_for_every_field() -> None:
    """Every field (defaults and factories included) and the resolved ``api``; no state shared between two."""
    deployment = deploy(API)
    stage = load_stage({"stageName": "prod"}, deployment.api)
    clock = VirtualClock()
    args = {
        "request": Request.build("GET", "/"), "deployment": deployment, "stage": stage,
        "stage_variables": {"a": "1"}, "is_canary": True, "account": AccountSettings(), "clock": clock,
        "store": MemoryStore(clock), "runtime": object(), "request_id": "r", "extended_request_id": "e",
        "arrival_ms": 5.0, "origin_ms": 1.0, "access": None,
    }  # fmt: skip
    fast, slow = start_context(*args.values()), Context(**args)  # type: ignore[arg-type]
    assert [getattr(fast, f.name) for f in fields(Context)] == [
        getattr(slow, f.name) for f in fields(Context)
    ]
    assert fast == slow and fast.api is slow.api is deployment.api
    other = start_context(*args.values())  # type: ignore[arg-type]
    assert fast.facts is not other.facts and fast.identity is not other.identity
    assert fast.response_headers is not other.response_headers
