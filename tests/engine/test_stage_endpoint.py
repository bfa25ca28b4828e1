"""Endpoint types (§2): edge CloudFront hop, regional, private through a VPC endpoint."""

from __future__ import annotations

from gateway_lab.engine.messages import Client
from gateway_lab.engine.trace import StageName

from .builders import make_pipeline, rest_api, send

FAR = Client(region="ap-southeast-2", country="AU")


def _echo_api(endpoint: str):  # type: ignore[no-untyped-def]
    from .builders import lambda_integration

    return rest_api({"/x": {"GET": {"methodIntegration": lambda_integration()}}}, endpoint=endpoint)


def test_endpoint_edge_adds_cloudfront_headers_to_the_event() -> None:
    """§2: the Lambda event gets CloudFront-* headers, Via and X-Amz-Cf-Id on edge APIs."""
    trace = send(make_pipeline(_echo_api("EDGE")), "GET", "/x", client=FAR)
    headers = trace.step(StageName.INTEGRATION).detail["event"]["headers"]
    assert headers["CloudFront-Viewer-Country"] == "AU"
    assert {"Via", "X-Amz-Cf-Id", "CloudFront-Is-Desktop-Viewer", "X-Forwarded-Proto"} <= set(headers)


def test_endpoint_edge_capitalises_only_authorization_and_user_agent() -> None:
    """§6.1: through CloudFront, Authorization and User-Agent arrive capitalised; every other name keeps the
    client's casing (AWS's recorded REQUEST authorizer event has ``cache-control`` in lower case)."""
    trace = send(
        make_pipeline(_echo_api("EDGE")),
        "GET",
        "/x",
        headers={"user-agent": "t", "authorization": "a", "tEsT-HEADeR": "v", "cache-control": "no-cache"},
    )
    headers = trace.step(StageName.INTEGRATION).detail["event"]["headers"]
    assert {"User-Agent", "Authorization", "tEsT-HEADeR", "cache-control"} <= set(headers)
    assert "Cache-Control" not in headers


def test_endpoint_edge_response_carries_cloudfront_headers() -> None:
    """§2: edge responses carry X-Cache, Via, X-Amz-Cf-Pop and X-Amz-Cf-Id."""
    trace = send(make_pipeline(_echo_api("EDGE")), "GET", "/x")
    assert trace.response.headers["X-Cache"] == "Miss from cloudfront"
    assert "X-Amz-Cf-Pop" in trace.response.headers


def test_endpoint_regional_has_no_cloudfront_headers() -> None:
    """§2: regional endpoints pass header names through without CloudFront."""
    trace = send(make_pipeline(_echo_api("REGIONAL")), "GET", "/x", headers={"user-agent": "t"})
    headers = trace.step(StageName.INTEGRATION).detail["event"]["headers"]
    assert "user-agent" in headers and "Via" not in headers


def test_endpoint_edge_is_faster_than_regional_for_a_far_client() -> None:
    """§2: a far client reaches the API faster through a nearby POP (lab latency model)."""
    edge = send(make_pipeline(_echo_api("EDGE")), "GET", "/x", client=FAR).step(StageName.ENDPOINT)
    regional = send(make_pipeline(_echo_api("REGIONAL")), "GET", "/x", client=FAR).step(StageName.ENDPOINT)
    assert edge.duration_ms < regional.duration_ms
    assert edge.fidelity is not None


def test_endpoint_private_refuses_clients_outside_a_vpc_endpoint() -> None:
    """§2: a private API is reachable only through an interface VPC endpoint."""
    trace = send(make_pipeline(_echo_api("PRIVATE")), "GET", "/x")
    assert trace.response.status == 403
    assert trace.outcomes()[0] == ("endpoint", "reject")


def test_endpoint_private_passes_through_a_vpc_endpoint() -> None:
    """§2: a client in a VPC with an interface endpoint gets past the endpoint stage."""
    client = Client(vpc_id="vpc-1", vpce_id="vpce-1")
    trace = send(make_pipeline(_echo_api("PRIVATE")), "GET", "/x", client=client)
    assert trace.outcomes()[0] == ("endpoint", "pass")
