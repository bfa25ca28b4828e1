"""Virtual-time simulations: schedules, limits and the timeline (§3 burst arithmetic)."""

from __future__ import annotations

import pytest

from gateway_lab.engine.messages import Request
from gateway_lab.engine.model import ConfigError
from gateway_lab.engine.simulate import simulate
from gateway_lab.engine.simulation import MAX_REQUESTS_PER_SIMULATION, RequestSpec

from .builders import http_api, rest_api

API = rest_api({"/x": {"GET": {}}})
STAGE = {
    "stageName": "prod",
    "methodSettings": {"*/*": {"throttlingRateLimit": 10, "throttlingBurstLimit": 5}},
}


def test_simulate_spreads_copies_evenly() -> None:
    """RequestSpec: N copies over T ms arrive every T/N ms from start_ms."""
    spec = RequestSpec(request=Request.build("GET", "/x"), count=4, over_ms=1000, start_ms=500)
    assert spec.times() == [500.0, 750.0, 1000.0, 1250.0]


def test_simulate_burst_throttles_beyond_bucket() -> None:
    """§3.1: 20 simultaneous requests against burst 5 admit exactly 5."""
    result = simulate(api=API, stage=STAGE, requests=[{"path": "/x", "count": 20}])
    assert result.summary["kinds"] == {"admitted": 5, "throttled": 15}


def test_simulate_steady_rate_is_admitted() -> None:
    """§3.1: requests at the refill rate (10/s) all pass."""
    result = simulate(api=API, stage=STAGE, requests=[{"path": "/x", "count": 30, "over_ms": 3000}])
    assert result.summary["kinds"] == {"admitted": 30}


def test_simulate_timeline_is_in_time_order_with_bucket_levels() -> None:
    """The timeline lists requests by arrival with each bucket's tokens left."""
    result = simulate(
        api=API, stage=STAGE, requests=[{"path": "/x", "at_ms": 900}, {"path": "/x", "at_ms": 100}]
    )
    assert [entry["t_ms"] for entry in result.timeline] == [100.0, 900.0]
    assert result.timeline[0]["buckets"] == {"stage": 4.0, "account": 4999.0}


def test_simulate_refuses_more_than_the_request_limit() -> None:
    """Work per call is bounded: more than MAX_REQUESTS_PER_SIMULATION is a field error."""
    with pytest.raises(ConfigError) as exc:
        simulate(api=API, stage=STAGE, requests=[{"path": "/x", "count": MAX_REQUESTS_PER_SIMULATION + 1}])
    assert exc.value.errors[0][0] == "requests"


def test_simulate_refuses_times_beyond_the_virtual_duration() -> None:
    """Work per call is bounded in virtual time too."""
    with pytest.raises(ConfigError):
        simulate(api=API, stage=STAGE, requests=[{"path": "/x", "at_ms": 10**9}])


def test_simulate_bad_request_spec_is_a_field_error() -> None:
    """A malformed request spec is a ConfigError naming it, never a crash."""
    with pytest.raises(ConfigError) as exc:
        simulate(api=API, stage=STAGE, requests=[{"path": "/x", "count": "many"}])
    assert exc.value.errors[0][0] == "requests[0]"


def _keyed_api(*, rate: float, burst: int, quota: int) -> dict:  # type: ignore[type-arg]
    plan = {
        "id": "plan",
        "apiStages": [{"apiId": "testapi", "stage": "prod"}],
        "keys": ["key-a"],
        "throttle": {"rateLimit": rate, "burstLimit": burst},
        "quota": {"limit": quota, "period": "DAY", "offset": 0},
    }
    keys = [{"id": "key-a", "value": "customerKeyA0123456789", "name": "a"}]
    return rest_api(
        {"/x": {"GET": {"apiKeyRequired": True}}}, labAccess={"apiKeys": keys, "usagePlans": [plan]}
    )


def _kinds(api: dict, requests: list[dict]) -> dict:  # type: ignore[type-arg]
    return simulate(api=api, stage={"stageName": "prod"}, requests=requests).summary["kinds"]


KEYED = {"path": "/x", "headers": {"x-api-key": "customerKeyA0123456789"}}


def test_simulate_usage_plan_key_throttle_counts_as_throttled() -> None:
    """§3.3: a per-key usage-plan throttle answers 429, which the timeline counts as throttling."""
    assert _kinds(_keyed_api(rate=1, burst=2, quota=100), [{**KEYED, "count": 3}]) == {
        "admitted": 2,
        "throttled": 1,
    }


def test_simulate_usage_plan_quota_limit_exceeded_counts_as_throttled() -> None:
    """§3.3: an exhausted quota ("Limit Exceeded", 429) is throttling too, not a refusal."""
    requests = [{**KEYED, "count": 3, "over_ms": 3000}]
    assert _kinds(_keyed_api(rate=100, burst=100, quota=2), requests) == {"admitted": 2, "throttled": 1}


def test_simulate_missing_api_key_counts_as_rejected() -> None:
    """§3.3: a missing key is 403 Forbidden: refused, not throttled."""
    assert _kinds(_keyed_api(rate=1, burst=2, quota=100), [{"path": "/x"}]) == {"rejected": 1}


def test_simulate_http_api_without_stage_uses_default_stage() -> None:
    """§1.1 (DG:http-api-stages): simulating an HTTP API with no stage runs its $default stage."""
    result = simulate(api=http_api({"GET /x": {}}), requests=[{"path": "/x"}])
    assert result.traces[0].meta["stage"] == "$default"


def test_simulate_rest_api_without_stage_uses_prod() -> None:
    """§8: a REST API has no $default stage; the lab's default stage for it is prod."""
    assert simulate(api=API, requests=[{"path": "/x"}]).traces[0].meta["stage"] == "prod"
