"""Cost bounds for one simulation (issue 16): definition size (§10), bytes in and out, wall time, routing."""

from __future__ import annotations

import time

import pytest

from gateway_lab.engine import model_load
from gateway_lab.engine.model import ConfigError
from gateway_lab.engine.simulate import simulate
from gateway_lab.engine.simulation import (
    MAX_HEADER_BYTES,
    MAX_REQUEST_BYTES_TOTAL,
    MAX_RESPONSE_BYTES_TOTAL,
    SimulationTooLarge,
)

ECHO = (
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:us-east-1:123456789012:function:echo/invocations"
)


def _mock(path: str = "/", template: str = "ok") -> dict:
    return {
        "path": path,
        "resourceMethods": {
            "GET": {
                "authorizationType": "NONE",
                "methodIntegration": {
                    "type": "MOCK",
                    "requestTemplates": {"application/json": '{"statusCode": 200}'},
                    "integrationResponses": {"200": {"responseTemplates": {"application/json": template}}},
                },
            }
        },
    }


def _errors(exc: pytest.ExceptionInfo) -> dict[str, str]:
    return dict(exc.value.errors)


def test_more_than_300_resources_is_refused_s10():
    """§10: 300 resources per REST API."""
    with pytest.raises(ConfigError) as exc:
        model_load.load_api({"resources": [_mock(f"/r{i}") for i in range(301)]})
    assert _errors(exc) == {"resources": "at most 300 per API (§10); got 301"}


def test_more_than_300_routes_is_refused_s10():
    """§10: 300 routes per HTTP API."""
    routes = [
        {"routeKey": f"GET /r{i}", "integration": {"type": "AWS_PROXY", "uri": ECHO}} for i in range(301)
    ]
    with pytest.raises(ConfigError) as exc:
        model_load.load_api({"protocolType": "HTTP", "routes": routes})
    assert _errors(exc) == {"routes": "at most 300 per API (§10); got 301"}


def test_more_than_10_authorizers_is_refused_s10():
    """§10: 10 authorizers per API."""
    authorizers = [{"id": f"a{i}", "type": "TOKEN"} for i in range(11)]
    with pytest.raises(ConfigError) as exc:
        model_load.load_api({"resources": [_mock()], "authorizers": authorizers})
    assert _errors(exc) == {"authorizers": "at most 10 per API (§10); got 11"}


def test_path_parameters_and_depth_are_bounded_issue16():
    """Issue 16: 40 path parameters per path cost 51 s of CPU; at most 16 parameters and 32 segments now."""
    forty = "/" + "/".join(f"{{p{j}}}" for j in range(40))
    with pytest.raises(ConfigError) as exc:
        model_load.load_api({"resources": [_mock(forty)]})
    messages = [m for _, m in exc.value.errors]
    assert "at most 16 path parameters per path; got 40" in messages
    assert any("32 segments" in m for m in messages)


def test_one_400_lists_at_most_50_errors_issue16():
    """Issue 16: 300 bad resources do not make a 300-line error answer."""
    bad = [_mock("/" + "/".join(f"{{p{j}}}" for j in range(20)) + f"/r{i}") for i in range(300)]
    with pytest.raises(ConfigError) as exc:
        model_load.load_api({"resources": bad})
    assert len(exc.value.errors) == 51 and exc.value.errors[-1][1] == "more errors not listed"


def test_worst_case_routing_stays_cheap_issue16():
    """Issue 16: 300 resources × 16 parameters, all matching a path literally and by parameter: 10,000 requests stay fast."""
    resources = []
    for i in range(300):
        parts = [f"{{p{j}}}" if (i >> (j % 8)) & 1 and j < 16 else "a" for j in range(31)]
        resources.append(_mock("/" + "/".join(parts) + f"/r{i}"))
    paths = ["/" + "/".join(["a"] * 31) + f"/miss{k}" for k in range(100)]
    started = time.process_time()
    result = simulate(api={"resources": resources}, requests=[{"path": p, "count": 100} for p in paths])
    cpu = time.process_time() - started
    assert {t.response.status for t in result.traces} == {403}
    assert len(result.timeline) == 10_000
    assert cpu < 10.0, f"{cpu:.1f} s of CPU"


def test_headers_are_bounded_per_request_s5_1():
    """§5.1: header values total 10,240 bytes per request."""
    headers = {"X-Big": "x" * MAX_HEADER_BYTES}
    with pytest.raises(ConfigError) as exc:
        simulate(api={"resources": [_mock()]}, requests=[{"path": "/", "headers": headers}])
    assert _errors(exc) == {"requests[0].headers": f"at most {MAX_HEADER_BYTES} bytes of headers (§5.1)"}


def test_body_times_count_is_bounded_issue16():
    """Issue 16: a 1 MiB body × 10,000 copies built a 1 GiB string; the bytes sent per simulation are capped."""
    body = "x" * 1_048_576
    with pytest.raises(SimulationTooLarge) as exc:
        simulate(api={"resources": [_mock()]}, requests=[{"path": "/", "body": body, "count": 17}])
    assert f"over {MAX_REQUEST_BYTES_TOTAL}" in exc.value.errors[0][1]


def test_response_bytes_are_bounded_issue16():
    """Issue 16: a large response × many copies stops at MAX_RESPONSE_BYTES_TOTAL with a clear error."""
    template = "y" * 100_000
    with pytest.raises(SimulationTooLarge) as exc:
        simulate(api={"resources": [_mock("/", template)]}, requests=[{"path": "/", "count": 10_000}])
    field, message = exc.value.errors[0]
    assert field == "requests" and "too large" in message and str(MAX_RESPONSE_BYTES_TOTAL) in message


def test_cpu_and_wall_budgets_are_checked_between_requests_issue16():
    """Issue 16: past its CPU or wall-time budget a simulation stops and says it was too large (no partial result)."""
    requests = [{"path": "/", "count": 5_000}]
    with pytest.raises(SimulationTooLarge) as exc:
        simulate(api={"resources": [_mock()]}, requests=requests, budget_s=0.0)
    assert "s of CPU after 0 of 5000 requests" in exc.value.errors[0][1]
    with pytest.raises(SimulationTooLarge) as exc:
        simulate(api={"resources": [_mock()]}, requests=requests, wall_budget_s=0.0)
    assert "s budget after 0 of 5000 requests" in exc.value.errors[0][1]


def test_keep_traces_holds_only_what_is_asked_issue16():
    """Issue 16: callers that show no traces keep none; the timeline still covers every request."""
    seen = []
    result = simulate(
        api={"resources": [_mock()]},
        requests=[{"path": "/", "count": 500}],
        keep_traces=0,
        observe=lambda i, t: seen.append(t.response.status),
    )
    assert (len(result.traces), len(result.timeline), len(seen)) == (0, 500, 500)
    assert set(seen) == {200}


def test_presets_run_within_every_bound_issue16():
    """Issue 16: every preset still runs (the bounds refuse only what no lesson needs)."""
    from gateway_lab.engine import presets

    for item in presets.list_presets():
        preset = presets.load_preset(item["name"])
        simulate(
            api=preset["api"],
            stage=preset.get("stage"),
            requests=preset["requests"],
            canary_api=preset.get("canary_api"),
            keep_traces=0,
        )
