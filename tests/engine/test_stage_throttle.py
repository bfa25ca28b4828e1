"""Throttling (§3): account and stage/method buckets, their order, and the 429 answer."""

from __future__ import annotations

from gateway_lab.engine.context import AccountSettings
from gateway_lab.engine.trace import StageName

from .builders import http_api, make_pipeline, rest_api, send

LIMITED = {"methodSettings": {"*/*": {"throttlingRateLimit": 1, "throttlingBurstLimit": 2}}}


def _burst(pipeline, n: int, at_ms: float = 0.0, path: str = "/x"):  # type: ignore[no-untyped-def]
    return [send(pipeline, "GET", path, at_ms=at_ms) for _ in range(n)]


def test_throttle_rejects_after_burst_with_exact_429() -> None:
    """§3.1: the request after the burst gets 429 {"message":"Too Many Requests"} (31 bytes)."""
    traces = _burst(make_pipeline(rest_api({"/x": {"GET": {}}}), LIMITED), 3)
    assert [t.response.status for t in traces] == [200, 200, 429]
    assert traces[2].response.body == b'{"message":"Too Many Requests"}'
    assert len(traces[2].response.body) == 31


def test_throttle_429_has_too_many_requests_error_type() -> None:
    """§3.1, §14.13: x-amzn-ErrorType is TooManyRequestsException, not ThrottlingException."""
    trace = _burst(make_pipeline(rest_api({"/x": {"GET": {}}}), LIMITED), 3)[-1]
    assert trace.response.headers["x-amzn-ErrorType"] == "TooManyRequestsException"


def test_throttle_refills_at_rate() -> None:
    """§3.1: after 1 s at 1 request/s one more request passes."""
    pipeline = make_pipeline(rest_api({"/x": {"GET": {}}}), LIMITED)
    _burst(pipeline, 3)
    assert send(pipeline, "GET", "/x", at_ms=1000.0).response.status == 200


def test_throttle_records_every_layer_before_and_after() -> None:
    """§3.2: each layer's tokens before/after are in detail.layers, method first then account."""
    trace = send(make_pipeline(rest_api({"/x": {"GET": {}}}), LIMITED), "GET", "/x")
    layers = trace.step(StageName.THROTTLE).detail["layers"]
    assert [(layer["level"], layer["tokens_before"], layer["tokens_after"]) for layer in layers] == [
        ("stage", 2.0, 1.0),
        ("account", 5000.0, 4999.0),
    ]


def test_throttle_method_setting_overrides_stage_default() -> None:
    """§3.2: a per-method setting wins over */*."""
    stage = {
        "methodSettings": {
            **LIMITED["methodSettings"],
            "/x/GET": {"throttlingRateLimit": 5, "throttlingBurstLimit": 7},
        }
    }
    trace = send(make_pipeline(rest_api({"/x": {"GET": {}}}), stage), "GET", "/x")
    first = trace.step(StageName.THROTTLE).detail["layers"][0]
    assert (first["level"], first["burst"]) == ("method", 7)


def test_throttle_methods_have_separate_buckets() -> None:
    """§3.2: stage defaults apply to each method, so another method still has tokens."""
    pipeline = make_pipeline(rest_api({"/x": {"GET": {}}, "/y": {"GET": {}}}), LIMITED)
    _burst(pipeline, 3, path="/x")
    assert send(pipeline, "GET", "/y").response.status == 200


def test_throttle_account_default_is_10000_rps_5000_burst() -> None:
    """§3.1: the default account quota is 10,000 RPS with a 5,000 burst."""
    trace = send(make_pipeline(rest_api({"/x": {"GET": {}}})), "GET", "/x")
    account = trace.step(StageName.THROTTLE).detail["layers"][-1]
    assert (account["rate"], account["burst"]) == (10_000.0, 5_000)


def test_throttle_low_limit_region_has_2500_rps_1250_burst() -> None:
    """§3.1: Regions such as Milan default to 2,500 RPS / 1,250 burst."""
    trace = send(make_pipeline({**rest_api({"/x": {"GET": {}}}), "region": "eu-south-1"}), "GET", "/x")
    account = trace.step(StageName.THROTTLE).detail["layers"][-1]
    assert (account["rate"], account["burst"]) == (2_500.0, 1_250)


def test_throttle_account_bucket_rejects_when_empty() -> None:
    """§3.2: the account bucket applies after the stage bucket."""
    pipeline = make_pipeline(
        rest_api({"/x": {"GET": {}}}), account=AccountSettings(throttle_rate=1, throttle_burst=1)
    )
    trace = _burst(pipeline, 2)[-1]
    assert trace.step(StageName.THROTTLE).detail["rejected_by"] == "account"


def test_throttle_http_route_settings_apply() -> None:
    """§3.2: HTTP APIs throttle per route with routeSettings."""
    stage = {
        "stageName": "$default",
        "routeSettings": {"GET /x": {"throttlingRateLimit": 1, "throttlingBurstLimit": 1}},
    }
    pipeline = make_pipeline(http_api({"GET /x": {}}), stage)
    assert [t.response.status for t in _burst(pipeline, 2)] == [200, 429]
