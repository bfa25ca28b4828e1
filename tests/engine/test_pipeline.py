"""Pipeline composition, determinism, canary routing and stage variables (§8, §11)."""

from __future__ import annotations

import pytest

from gateway_lab.engine import stages
from gateway_lab.engine.messages import Request
from gateway_lab.engine.model import ConfigError
from gateway_lab.engine.trace import StageName

from .builders import http_api, lambda_integration, make_pipeline, mock_integration, rest_api, send

VAR_ECHO = rest_api(
    {"/v": {"GET": {"methodIntegration": mock_integration('{"v": "$stageVariables.color"}')}}}
)


def test_pipeline_run_matches_iter_steps() -> None:
    """§11: run() and iter_steps() execute the same stages."""
    a, b = make_pipeline(VAR_ECHO), make_pipeline(VAR_ECHO)
    request = Request.build("GET", "/v", time_ms=a.origin_ms)
    assert [s.stage for s in a.run(request).steps] == [s.stage for s in b.iter_steps(request)]


def test_pipeline_stops_after_a_rejection_and_still_responds() -> None:
    """§11: a refused request skips later stages; the response stage renders the answer."""
    trace = send(make_pipeline(VAR_ECHO), "GET", "/missing")
    assert [stage for stage, _ in trace.outcomes()][-2:] == ["routing", "response"]


def test_pipeline_chain_is_a_tuple_of_classes_in_order() -> None:
    """§11: the chain is data: every stage class, in the documented order, response last."""
    assert [cls.name for cls in stages.STAGES] == list(stages.DEFAULT_STAGE_ORDER)
    assert stages.DEFAULT_STAGE_ORDER[-1] == StageName.RESPONSE
    assert list(stages.DEFAULT_STAGE_ORDER) == list(StageName)  # the one vocabulary, every stage present


def test_pipeline_unknown_stage_name_fails_loudly() -> None:
    """No fallback hides a missing part: asking for a stage that does not exist raises."""
    with pytest.raises(ValueError):
        stages.stages_for(["not_a_stage"])  # type: ignore[list-item]


def test_pipeline_stage_variables_reach_the_integration() -> None:
    """§8: stage variables are available to mapping templates."""
    trace = send(make_pipeline(VAR_ECHO, {"stageName": "prod", "variables": {"color": "blue"}}), "GET", "/v")
    assert trace.response.body == b'{"v": "blue"}'


def test_pipeline_canary_overrides_stage_variables() -> None:
    """§8: canary requests see stageVariableOverrides laid over the stage variables."""
    stage = {
        "variables": {"color": "blue"},
        "canarySettings": {"percentTraffic": 100, "stageVariableOverrides": {"color": "green"}},
    }
    trace = send(make_pipeline(VAR_ECHO, stage), "GET", "/v")
    assert trace.meta["is_canary"] is True
    assert trace.response.body == b'{"v": "green"}'


def test_pipeline_canary_split_follows_percent_traffic() -> None:
    """§8: about percentTraffic % of requests go to the canary (seeded, so exact per seed)."""
    pipeline = make_pipeline(VAR_ECHO, {"canarySettings": {"percentTraffic": 10}}, seed=1)
    canary = sum(send(pipeline, "GET", "/v").meta["is_canary"] for _ in range(1000))
    assert 70 <= canary <= 130


def test_pipeline_unknown_canary_deployment_is_a_config_error() -> None:
    """§8: the canary must point at an existing deployment."""
    with pytest.raises(ConfigError) as exc:
        make_pipeline(VAR_ECHO, {"canarySettings": {"percentTraffic": 10, "deploymentId": "nope00"}})
    assert exc.value.errors[0][0] == "stage.canarySettings.deploymentId"


def test_pipeline_slow_backend_gets_504_after_29_seconds() -> None:
    """§5.1: a REST integration times out at 29 s with 504 {"message": "Endpoint request timed out"}."""
    api = rest_api({"/slow": {"GET": {"methodIntegration": lambda_integration("slow")}}})
    trace = send(make_pipeline(api), "GET", "/slow")
    assert trace.response.status == 504
    assert trace.response.body == b'{"message": "Endpoint request timed out"}'
    assert trace.step(StageName.INTEGRATION).duration_ms == 29_000


def test_pipeline_http_api_timeout_answers_503_service_unavailable() -> None:
    """§5.1/§5.3: an HTTP API integration times out at 30 s with 503 {"message":"Service Unavailable"}."""
    api = http_api({"GET /slow": {"integration": lambda_integration("slow", payloadFormatVersion="2.0")}})
    trace = send(make_pipeline(api, {"stageName": "$default"}), "GET", "/slow")
    assert (trace.response.status, trace.response.body) == (503, b'{"message":"Service Unavailable"}')
    assert trace.step(StageName.INTEGRATION).duration_ms == 30_000


def test_pipeline_http_api_timeout_step_notes_the_vpc_link_observation() -> None:
    """§5.3/§13: the 503 is observed for VPC-link integrations only, so the step carries a fidelity note."""
    api = http_api({"GET /slow": {"integration": lambda_integration("slow", payloadFormatVersion="2.0")}})
    step = send(make_pipeline(api, {"stageName": "$default"}), "GET", "/slow").step(StageName.INTEGRATION)
    assert step.fidelity is not None and "VPC-link" in step.fidelity


def test_pipeline_rest_timeout_step_has_no_vpc_link_note() -> None:
    """§5.1: REST's 504 is documented behaviour, so its step carries no 503 assumption."""
    api = rest_api({"/slow": {"GET": {"methodIntegration": lambda_integration("slow")}}})
    step = send(make_pipeline(api), "GET", "/slow").step(StageName.INTEGRATION)
    assert "VPC-link" not in (step.fidelity or "")


WS_ECHO = {
    "id": "ws",
    "protocolType": "WEBSOCKET",
    "routes": [{"routeKey": "$default", "integration": lambda_integration()}],
}
CONNECTION = {
    "connectionId": "Zm9vYmFyYmF6cXV4=",
    "eventType": "MESSAGE",
    "messageId": "m1",
    "connectedAt": 0,
}


def _event_connection_id(steps) -> str:  # type: ignore[no-untyped-def]
    event = next(s for s in steps if s.stage == StageName.INTEGRATION).detail["event"]
    return str(event["requestContext"]["connectionId"])


def test_pipeline_run_seeds_facts_the_integration_reads() -> None:
    """§9: facts["connection"] passed to run() becomes the WebSocket event's requestContext.connectionId."""
    pipeline = make_pipeline(WS_ECHO)
    request = Request.build("MESSAGE", "/", body="hi", time_ms=pipeline.origin_ms)
    trace = pipeline.run(request, facts={"connection": CONNECTION})
    assert _event_connection_id(trace.steps) == CONNECTION["connectionId"]


def test_pipeline_iter_steps_seeds_facts_too() -> None:
    """§9: iter_steps() takes the same facts as run()."""
    pipeline = make_pipeline(WS_ECHO)
    request = Request.build("MESSAGE", "/", body="hi", time_ms=pipeline.origin_ms)
    assert (
        _event_connection_id(pipeline.iter_steps(request, facts={"connection": CONNECTION}))
        == (CONNECTION["connectionId"])
    )


def test_pipeline_with_stages_runs_only_the_given_stages() -> None:
    """§9: a sibling pipeline (a WebSocket message) runs only its stages, then the response."""
    sibling = make_pipeline(VAR_ECHO).with_stages((StageName.ROUTING, StageName.RESPONSE))
    trace = send(sibling, "GET", "/v")
    assert [stage for stage, _ in trace.outcomes()] == ["routing", "response"]


def test_pipeline_with_stages_shares_the_request_id_generator() -> None:
    """§11: siblings draw from one seeded generator, so their request ids never repeat each other."""
    first = make_pipeline(VAR_ECHO, seed=3)
    second = first.with_stages((StageName.ROUTING, StageName.RESPONSE))
    assert send(first, "GET", "/v").request_id != send(second, "GET", "/v").request_id
