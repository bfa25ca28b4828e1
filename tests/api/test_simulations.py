"""POST /api/v1/simulations: definition + stage + requests → per request a response and a trace."""

from __future__ import annotations

from gateway_lab.engine.simulation import MAX_REQUESTS_PER_SIMULATION

from .conftest import LAMBDA_URI

URL = "/api/v1/simulations"


def test_simulations_returns_one_result_with_trace_per_request(api_client, rest_api):
    """§6.1: a Lambda proxy GET comes back 200 with the full trace of every stage."""
    response = api_client.post(
        URL, {"api": rest_api, "requests": [{"method": "GET", "path": "/pets"}]}, format="json"
    )
    assert response.status_code == 200
    result = response.json()["results"][0]
    assert result["status"] == 200
    assert result["trace"]["steps"][-1]["stage"] == "response"
    assert result["trace"]["response"]["status"] == result["response"]["status"] == 200


def test_simulations_burst_beyond_the_stage_bucket_is_throttled(api_client, rest_api, throttled_stage):
    """§3.1: 20 requests in 100 ms against burst 10 → 10 admitted, the rest 429."""
    body = {
        "api": rest_api,
        "stage": throttled_stage,
        "requests": [{"path": "/pets", "count": 20, "over_ms": 100}],
        "include_traces": False,
    }
    data = api_client.post(URL, body, format="json").json()
    statuses = [r["status"] for r in data["results"]]
    assert statuses.count(429) == 10
    assert data["summary"]["kinds"]["throttled"] == 10
    assert "trace" not in data["results"][0]


def test_simulations_unknown_route_is_a_403_missing_authentication_token(api_client, rest_api):
    """§14.2: REST answers an unknown path with 403, not 404."""
    data = api_client.post(URL, {"api": rest_api, "requests": [{"path": "/nope"}]}, format="json").json()
    assert data["results"][0]["status"] == 403


def test_simulations_engine_config_error_is_a_400_with_field_errors(api_client, rest_api):
    """§4: a cache TTL above 3600 s is refused; the API reports the engine's field path."""
    stage = {
        "stageName": "prod",
        "cacheClusterEnabled": True,
        "methodSettings": {"*/*": {"cachingEnabled": True, "cacheTtlInSeconds": 9999}},
    }
    response = api_client.post(
        URL, {"api": rest_api, "stage": stage, "requests": [{"path": "/pets"}]}, format="json"
    )
    assert response.status_code == 400
    assert any(key.endswith("cacheTtlInSeconds") for key in response.json())


def test_simulations_invalid_json_is_a_400(api_client):
    """§5: malformed input never reaches the engine."""
    response = api_client.generic("POST", URL, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_simulations_wrong_types_give_field_errors(api_client, rest_api):
    """§5: a request count that is not a number is named in the errors."""
    response = api_client.post(
        URL, {"api": rest_api, "requests": [{"path": "/pets", "count": "many"}]}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["requests"]
    first = errors["0"] if isinstance(errors, dict) else errors[0]
    assert "count" in first


def test_simulations_without_api_or_preset_is_a_400(api_client):
    """§5: api and requests are required unless a preset provides them."""
    response = api_client.post(URL, {"requests": [{"path": "/"}]}, format="json")
    assert response.status_code == 400
    assert "api" in response.json()


def test_simulations_unknown_preset_is_a_400(api_client):
    """§5: a preset that does not exist is a field error, not a 500."""
    response = api_client.post(URL, {"preset": "no-such-preset"}, format="json")
    assert response.status_code == 400
    assert "preset" in response.json()


def test_simulations_refuses_more_requests_than_the_limit(api_client, rest_api):
    """§3.1: the work one call may ask for is bounded (requests per call)."""
    body = {
        "api": rest_api,
        "requests": [{"path": "/pets", "count": MAX_REQUESTS_PER_SIMULATION}, {"path": "/pets", "count": 1}],
    }
    response = api_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert "requests" in response.json()


def test_simulations_refuses_times_beyond_the_virtual_duration(api_client, rest_api):
    """§3.1: the virtual duration of one call is bounded."""
    body = {"api": rest_api, "requests": [{"path": "/pets", "at_ms": 7_000_000, "over_ms": 7_000_000}]}
    response = api_client.post(URL, body, format="json")
    assert response.status_code == 400


def test_simulations_are_deterministic(api_client, rest_api, throttled_stage):
    """§3.1: the virtual clock replays the same traces for the same input."""
    body = {
        "api": rest_api,
        "stage": throttled_stage,
        "requests": [{"path": "/pets", "count": 5, "over_ms": 50}],
    }
    first = api_client.post(URL, body, format="json").json()
    assert api_client.post(URL, body, format="json").json() == first


def test_simulations_http_api_without_stage_runs_the_default_stage(api_client):
    """§1.1 (DG:http-api-stages): an HTTP API posted without a stage runs on $default."""
    api = {
        "id": "h",
        "protocolType": "HTTP",
        "routes": [{"routeKey": "GET /pets", "integration": {"type": "AWS_PROXY", "uri": LAMBDA_URI}}],
    }
    data = api_client.post(URL, {"api": api, "requests": [{"path": "/pets"}]}, format="json").json()
    assert data["results"][0]["trace"]["meta"]["stage"] == "$default"


def test_simulations_stage_error_names_the_stage_document(api_client, rest_api):
    """§4: a TTL above 3600 s is a 400 whose field path starts with "stage."."""
    stage = {"stageName": "prod", "methodSettings": {"*/*": {"cacheTtlInSeconds": 4000}}}
    response = api_client.post(URL, {"api": rest_api, "stage": stage, "requests": [{}]}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["stage.methodSettings.*/*.cacheTtlInSeconds"]


def test_simulations_mock_on_http_api_is_a_field_error(api_client):
    """§1.1: "Mock integration: HTTP API No" → 400 naming the route's integration type."""
    api = {"protocolType": "HTTP", "routes": [{"routeKey": "GET /x", "integration": {"type": "MOCK"}}]}
    response = api_client.post(URL, {"api": api, "requests": [{"path": "/x"}]}, format="json")
    assert response.status_code == 400
    assert "routes[0].integration.type" in response.json()


def test_simulations_websocket_preset_plays_its_session(api_client):
    """§9: the websocket-chat preset runs as a session: one result per event, with its route."""
    data = api_client.post(URL, {"preset": "websocket-chat"}, format="json").json()
    routes = [r["route_key"] for r in data["results"]]
    assert routes[:3] == ["$connect", "$connect", "sendmessage"] and data["results"][-1]["status"] == 410


def test_simulations_websocket_events_can_be_posted(api_client):
    """§9: a posted session (connect, then a message) routes the message by its action."""
    api = {
        "protocolType": "WEBSOCKET",
        "routes": [{"routeKey": "join", "integration": {"type": "AWS_PROXY", "uri": LAMBDA_URI}}],
    }
    events = [
        {"event": "connect", "connection": "ann"},
        {"event": "message", "connection": "ann", "body": '{"action": "join"}', "at_ms": 10},
    ]
    data = api_client.post(URL, {"api": api, "requests": events}, format="json").json()
    assert [(r["event"], r["route_key"], r["status"]) for r in data["results"]] == [
        ("connect", None, 200),
        ("message", "join", 200),
    ]
