"""Bad input to the simulate API is a 400 with field errors, never a 500 (issue 16); per-client rate limit."""

from __future__ import annotations

import pytest
from django.test import override_settings

from gateway_lab.api import ratelimit

URL = "/api/v1/simulations"


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [65, 1_000, 5_000, 100_000])
def test_deeply_nested_json_is_a_400_field_error_issue16(api_client, depth):
    """Issue 16: JSON nested 1,000+ levels raised RecursionError (500); now a 400 naming the field."""
    body = '{"api": ' + _nested(depth) + ', "requests": [{"path": "/"}]}'
    response = api_client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()
    assert any("nested deeper" in message for messages in errors.values() for message in messages)


def test_nesting_within_the_bound_still_reaches_validation_issue16(api_client):
    """Issue 16: a shallow definition is not refused for depth (the bound is 64 levels)."""
    response = api_client.post(URL, data={"api": [[[]]], "requests": [{"path": "/"}]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"api": ["Expected a JSON object."]}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_body_too_large_answers_json_not_html_issue16(api_client, rest_api):
    """Issue 16: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a JSON 400, not Django's HTML page."""
    response = api_client.post(
        URL, data={"api": rest_api, "requests": [{"path": "/pets", "body": "x" * 20_000}]}, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "larger than 10000 bytes" in response.json()["non_field_errors"][0]


def test_rest_api_with_jwt_authorizer_is_refused_at_creation_issue16(api_client, rest_api):
    """§1.1 (JWT authorizer: REST No): AWS refuses the definition; the API answers 400, not a simulated 500."""
    rest_api["authorizers"] = [
        {
            "id": "jwt",
            "name": "jwt",
            "type": "JWT",
            "jwtConfiguration": {"issuer": "https://x", "audience": ["a"]},
        }
    ]
    method = rest_api["resources"][0]["resourceMethods"]["GET"]
    method.update(authorizationType="CUSTOM", authorizerId="jwt")
    response = api_client.post(URL, data={"api": rest_api, "requests": [{"path": "/pets"}]}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "authorizers[0].type": ["REST APIs have no JWT authorizer; use a Cognito user pool authorizer."]
    }


def test_rest_method_with_jwt_authorization_type_is_refused_issue16(api_client, rest_api):
    """§1.1: a REST method cannot use authorizationType JWT either."""
    rest_api["resources"][0]["resourceMethods"]["GET"]["authorizationType"] = "JWT"
    response = api_client.post(URL, data={"api": rest_api, "requests": [{"path": "/pets"}]}, format="json")
    assert response.status_code == 400
    assert "resources[0].resourceMethods.GET.authorizationType" in response.json()


@pytest.mark.parametrize("method", ["SET pwned 1", "GET\r\nX: y", "TRACE", "get /x"])
def test_integration_method_must_be_a_token_api_gateway_knows_issue16(api_client, rest_api, method):
    """Issue 16 / RFC 7230: the integration's httpMethod is a known method token, else a 400 field error."""
    integration = rest_api["resources"][0]["resourceMethods"]["GET"]["methodIntegration"]
    integration.update(type="HTTP_PROXY", httpMethod=method, uri="http://api.example/")
    response = api_client.post(URL, data={"api": rest_api, "requests": [{"path": "/pets"}]}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["resources[0].resourceMethods.GET.methodIntegration.httpMethod"]


def test_too_many_resources_is_a_400_issue16(api_client):
    """§10: 300 resources per REST API; 301 is refused before any request runs."""
    resources = [
        {"path": f"/r{i}", "resourceMethods": {"GET": {"methodIntegration": {"type": "MOCK"}}}}
        for i in range(301)
    ]
    response = api_client.post(
        URL, data={"api": {"resources": resources}, "requests": [{"path": "/"}]}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"resources": ["at most 300 per API (§10); got 301"]}


def test_include_traces_false_returns_no_trace_but_every_response_issue16(api_client):
    """Issue 16: without traces the answer holds each request's response and no trace."""
    response = api_client.post(
        URL,
        data={
            "preset": "fragile-backend",
            "requests": [{"path": "/orders", "count": 2000, "over_ms": 1000}],
            "include_traces": False,
        },
        format="json",
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 2000
    assert all("trace" not in r and "status" in r["response"] for r in results)
    assert response.json()["traces_truncated"] is False


@override_settings(
    REST_FRAMEWORK={
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
        "UNAUTHENTICATED_USER": None,
        "DEFAULT_THROTTLE_RATES": {"simulations": "3/min"},
    }
)
def test_simulations_are_rate_limited_per_client_issue16(api_client):
    """Issue 16: past the per-client rate the API answers 429 with Retry-After; another client is not affected."""
    ratelimit.reset()
    body = {"preset": "mock-integration", "include_traces": False}
    statuses = [api_client.post(URL, data=body, format="json").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = api_client.post(URL, data=body, format="json")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    other = api_client.post(URL, data=body, format="json", REMOTE_ADDR="10.0.0.7")
    assert other.status_code == 200


def test_rate_parser_issue16():
    """Issue 16: rates read as N/period; off or malformed rates disable the limit."""
    assert ratelimit.parse_rate("60/min") == (60, 60)
    assert ratelimit.parse_rate("5/s") == (5, 1)
    assert [ratelimit.parse_rate(r) for r in ("off", "", None, "x/min", "5/fortnight", "0/min")] == [None] * 6


def test_simulation_too_large_is_a_400_issue16(api_client, rest_api):
    """Issue 16: a 1 MiB body × 17 copies (the 1 GiB string) is refused before it runs, as a 400."""
    body = {"api": rest_api, "requests": [{"path": "/pets", "body": "x" * 1_000_000, "count": 17}]}
    response = api_client.post(URL, data=body, format="json")
    assert response.status_code == 400
    assert response.json()["requests"][0].startswith("The simulation is too large: its requests add up to")
