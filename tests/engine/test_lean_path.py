"""The lean engine path (issue 17): steps recorded once and stamped, per-client and per-route plans kept
on the stage instances (issue 11: no module-level cache keyed by id()). Behaviour must not change."""

from __future__ import annotations

from typing import Any

from gateway_lab.engine.context import Context
from gateway_lab.engine.messages import Client, Request
from gateway_lab.engine.stages.base import record, stamp, template
from gateway_lab.engine.stages.cache import HIT as TITLE
from gateway_lab.engine.stages.cache import HIT_WHY as REASON
from gateway_lab.engine.trace import Outcome, StageName

from .builders import lambda_integration, make_pipeline, rest_api


def _context(arrival_ms: float, origin_ms: float, elapsed_ms: float) -> Context:
    ctx = Context.__new__(Context)
    ctx.arrival_ms, ctx.origin_ms, ctx.elapsed_ms = arrival_ms, origin_ms, elapsed_ms
    return ctx


def test_stamped_step_equals_the_recorded_step_and_advances_time() -> None:
    """§11: a template stamped on a request is the step record() would have made at that moment."""
    fields: dict[str, Any] = {"detail": {"k": [1, 2]}, "duration_ms": 2.5, "fact": "4", "lesson": "x#y"}
    recorded_ctx, stamped_ctx = _context(1_000.0, 400.0, 3.0), _context(1_000.0, 400.0, 3.0)
    reason = {"age_s": 1.5, "left_s": 298.5}
    recorded = record(recorded_ctx, StageName.CACHE, Outcome.HIT, TITLE(), REASON(**reason), **fields)
    stamped = stamp(stamped_ctx, template(StageName.CACHE, Outcome.HIT, TITLE(), REASON(**reason), **fields))
    assert stamped == recorded
    assert stamped.t_ms == 603.0 and stamped.title == "Cache hit"
    assert stamped.reason.startswith("Served from the stage cache: stored 1.5 s ago, expires in 298.5 s.")
    assert stamped_ctx.elapsed_ms == recorded_ctx.elapsed_ms == 5.5


def _edge_echo_pipeline() -> Any:
    api = rest_api({"/pets/{id}": {"GET": {"methodIntegration": lambda_integration()}}}, endpoint="EDGE")
    return make_pipeline(api)


def _event_headers(pipeline: Any, client: Client, at_ms: float) -> dict[str, str]:
    request = Request.build("GET", "/pets/1", client=client, time_ms=pipeline.origin_ms + at_ms)
    trace = pipeline.run(request)
    step = trace.step(StageName.INTEGRATION)
    assert step is not None and trace.response.status == 200
    headers: dict[str, str] = step.detail["event"]["headers"]
    return headers


def test_edge_hop_keeps_each_clients_cloudfront_headers_apart() -> None:
    """§2: CloudFront's viewer headers describe the client that sent *this* request, even when two
    clients alternate through one pipeline (the per-client plan lives on the endpoint stage)."""
    pipeline = _edge_echo_pipeline()
    desktop = Client(source_ip="203.0.113.10", country="US")
    phone = Client(
        source_ip="198.51.100.7", country="DE", user_agent="Mozilla/5.0 (iPhone)", region="eu-central-1"
    )
    for at_ms, client, mobile, country, ip in [
        (0.0, desktop, "false", "US", "203.0.113.10"),
        (10.0, phone, "true", "DE", "198.51.100.7"),
        (20.0, desktop, "false", "US", "203.0.113.10"),
        (30.0, Client(source_ip="192.0.2.1", country="FR"), "false", "FR", "192.0.2.1"),
    ]:
        headers = _event_headers(pipeline, client, at_ms)
        assert headers["CloudFront-Is-Mobile-Viewer"] == mobile
        assert headers["CloudFront-Viewer-Country"] == country
        assert headers["X-Forwarded-For"] == f"{ip}, 130.176.0.1"


def test_edge_hop_per_request_headers_change_with_every_request() -> None:
    """§2: Via, X-Amz-Cf-Id and the trace id are per request, while the client's part is reused."""
    pipeline = _edge_echo_pipeline()
    client = Client()
    first, second = _event_headers(pipeline, client, 0.0), _event_headers(pipeline, client, 1.0)
    for name in ("Via", "X-Amz-Cf-Id", "X-Amzn-Trace-Id"):
        assert first[name] != second[name]
    assert first["CloudFront-Viewer-ASN"] == second["CloudFront-Viewer-ASN"] == "64496"


def test_routing_plan_keeps_methods_and_paths_apart() -> None:
    """§10, §5.2: a matched (method, path) is reused, but another path gets its own parameters and a
    method the resource lacks still answers 403 Missing Authentication Token."""
    pipeline = make_pipeline(rest_api({"/pets/{id}": {"GET": {}}}))
    outcomes = []
    for at_ms, (method, path) in enumerate(
        [("GET", "/pets/1"), ("GET", "/pets/2"), ("POST", "/pets/1"), ("GET", "/pets/1")]
    ):
        request = Request.build(method, path, time_ms=pipeline.origin_ms + at_ms * 10)
        trace = pipeline.run(request)
        routing = trace.step(StageName.ROUTING)
        assert routing is not None
        outcomes.append(
            (trace.response.status, routing.outcome, dict(routing.detail.get("path_parameters", {})))
        )
    assert outcomes == [
        (200, Outcome.PASS, {"id": "1"}),
        (200, Outcome.PASS, {"id": "2"}),
        (403, Outcome.REJECT, {}),
        (200, Outcome.PASS, {"id": "1"}),
    ]


def test_routing_plans_belong_to_their_pipeline() -> None:
    """Issue 11: two pipelines over two definitions of the same path keep their own routes."""
    first = make_pipeline(rest_api({"/pets/{id}": {"GET": {}}}))
    second = make_pipeline(rest_api({"/pets/{name}": {"GET": {}}}))
    for pipeline, name in ((first, "id"), (second, "name"), (first, "id")):
        trace = pipeline.run(Request.build("GET", "/pets/7", time_ms=pipeline.origin_ms))
        routing = trace.step(StageName.ROUTING)
        assert routing is not None and routing.detail["path_parameters"] == {name: "7"}
