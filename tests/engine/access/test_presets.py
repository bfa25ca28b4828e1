"""The issue-6 presets run through ``simulate`` and show what their notes promise (§3.3, §7).

They run exactly as the visualizer and the API run them (``run_preset``): one rule spreads a
request spec's ``count`` copies evenly over ``over_ms`` (``simulate.RequestSpec.times``).
"""

from __future__ import annotations

import pytest

from gateway_lab.engine.presets import load_preset, run_preset
from gateway_lab.engine.simulation import RequestSpec

EXPECTED = {
    "cognito-mobile-app": [200, 401, 401, 401],
    "iam-internal-service": [200, 403, 403, 403, 403, 403],
    "lambda-authorizer-oauth": [200, 200, 403, 401],
    "api-keys-saas": [403, 200, 200, 429, 200, 200, 200, 429, 200, 200, 200],
    "private-api-vpc": [403, 200, 403],
    "ip-allow-list": [200, 403, 200, 403],
    "authorizer-cache-trap": [200, 403, 200, 200],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_statuses_match_its_notice(name: str) -> None:
    """§3.3, §7: each access-control preset produces the statuses its notice describes."""
    ((_, simulation),) = run_preset(name)
    assert [entry["status"] for entry in simulation.timeline] == EXPECTED[name]


def test_preset_spread_copies_arrive_as_simulate_schedules_them() -> None:
    """§3.3: api-keys-saas's "spread out" copies arrive count-evenly over over_ms, as for every preset."""
    spec = next(s for s in load_preset("api-keys-saas")["requests"] if s.get("over_ms"))
    ((_, simulation),) = run_preset("api-keys-saas")
    arrivals = [entry["t_ms"] for entry in simulation.timeline if entry["label"] == spec["label"]]
    assert arrivals == RequestSpec.from_dict(spec).times() == [5000.0, 7000.0, 9000.0, 11000.0]
