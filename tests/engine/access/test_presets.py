"""The issue-6 presets run through the real pipeline and show what their notes promise (§3.3, §7)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway_lab.engine.clock import VIRTUAL_EPOCH_MS
from gateway_lab.engine.messages import Client, Request

from .pipelines import pipeline

PRESETS = Path(__file__).resolve().parents[3] / "gateway_lab" / "engine" / "presets"
EXPECTED = {
    "cognito-mobile-app": [200, 401, 401, 401],
    "iam-internal-service": [200, 403, 403, 403, 403, 403],
    "lambda-authorizer-oauth": [200, 200, 403, 401],
    "api-keys-saas": [403, 200, 200, 429, 200, 200, 200, 429, 200, 200, 200],
    "private-api-vpc": [403, 200, 403],
    "ip-allow-list": [200, 403, 200, 403],
    "authorizer-cache-trap": [200, 403, 200, 200],
}


def _requests(spec: dict) -> list[Request]:
    """Expand one request spec like the simulation API does: ``count`` copies spread over ``over_ms``."""
    count, over = spec.get("count", 1), spec.get("over_ms", 0.0)
    step = over / (count - 1) if count > 1 else 0.0
    return [
        Request.build(
            spec.get("method", "GET"),
            spec["path"],
            headers=spec.get("headers"),
            body=spec.get("body"),
            client=Client(**spec.get("client", {})),
            time_ms=VIRTUAL_EPOCH_MS + spec.get("at_ms", 0.0) + i * step,
        )
        for i in range(count)
    ]


def _statuses(name: str) -> list[int]:
    preset = json.loads((PRESETS / f"{name}.json").read_text())
    p, clock = pipeline(preset["api"], stage=preset["stage"]["stageName"])
    statuses = []
    for spec in preset["requests"]:
        for request in _requests(spec):
            clock.set(max(clock.now_ms(), request.time_ms))
            statuses.append(p.run(request).response.status)
    return statuses


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_statuses_match_its_notice(name: str) -> None:
    """§3.3, §7: each access-control preset produces the statuses its notice describes."""
    assert _statuses(name) == EXPECTED[name]
