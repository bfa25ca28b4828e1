"""API and stage JSON (AWS field names), deployments as immutable snapshots (§1, §4, §8)."""

from __future__ import annotations

import pytest

from gateway_lab.engine import ApiType, api_type_of
from gateway_lab.engine.model import ConfigError, EndpointType
from gateway_lab.engine.model_load import deploy, load_api, load_stage

from .builders import http_api, make_pipeline, mock_integration, rest_api, send


def _fields(exc: pytest.ExceptionInfo[ConfigError]) -> list[str]:
    return [path for path, _ in exc.value.errors]


def test_model_rest_defaults_to_edge_endpoint() -> None:
    """§2: edge-optimized is the default endpoint type for REST APIs."""
    api = load_api({"protocolType": "REST", "resources": []})
    assert api.endpoint_type == EndpointType.EDGE


def test_model_refuses_private_endpoint_on_http_api() -> None:
    """§1.1: private endpoints exist only for REST APIs."""
    with pytest.raises(ConfigError) as exc:
        load_api({**http_api({"GET /x": {}}), "endpointConfiguration": {"types": ["PRIVATE"]}})
    assert _fields(exc) == ["endpointConfiguration.types"]


def test_model_refuses_cache_on_http_api() -> None:
    """§1.1: HTTP APIs have no response cache."""
    api = load_api(http_api({"GET /x": {}}))
    with pytest.raises(ConfigError) as exc:
        load_stage({"stageName": "$default", "cacheClusterEnabled": True}, api)
    assert _fields(exc) == ["stage.cacheClusterEnabled"]


def test_model_refuses_canary_on_http_api() -> None:
    """§1.1: canary release deployments are REST-only."""
    api = load_api(http_api({"GET /x": {}}))
    with pytest.raises(ConfigError) as exc:
        load_stage({"canarySettings": {"percentTraffic": 10}}, api)
    assert _fields(exc) == ["stage.canarySettings"]


def test_model_refuses_ttl_above_3600() -> None:
    """§4: the cache TTL is at most 3600 s."""
    api = load_api(rest_api({"/x": {"GET": {}}}))
    with pytest.raises(ConfigError) as exc:
        load_stage({"methodSettings": {"*/*": {"cacheTtlInSeconds": 3601}}}, api)
    assert _fields(exc) == ["stage.methodSettings.*/*.cacheTtlInSeconds"]


def test_model_refuses_unknown_integration_type() -> None:
    """§1.1: integration types are AWS_PROXY, AWS, HTTP, HTTP_PROXY, MOCK."""
    with pytest.raises(ConfigError) as exc:
        load_api(rest_api({"/x": {"GET": {"methodIntegration": {"type": "LAMBDA"}}}}))
    assert _fields(exc) == ["resources[0].resourceMethods.GET.methodIntegration.type"]


def test_model_refuses_child_of_greedy_resource() -> None:
    """§10: no children under {proxy+}."""
    with pytest.raises(ConfigError) as exc:
        load_api(rest_api({"/{proxy+}/x": {"GET": {}}}))
    assert _fields(exc) == ["resources[0].path"]


def test_model_malformed_json_is_a_config_error() -> None:
    """A definition of the wrong shape is a field error, never a crash."""
    with pytest.raises(ConfigError):
        load_api({"resources": "not a list"})


def test_model_method_settings_keys_are_normalised() -> None:
    """§3.2: methodSettings keys are "{resourcePath}/{httpMethod}" (also with ~1 escapes)."""
    api = load_api(rest_api({"/pets": {"GET": {}}}))
    stage = load_stage(
        {"methodSettings": {"~1pets/GET": {"throttlingRateLimit": 1, "throttlingBurstLimit": 1}}}, api
    )
    assert list(stage.method_settings) == ["/pets/GET"]


def test_deployment_snapshot_is_immutable() -> None:
    """§8: a deployment is an immutable snapshot."""
    deployment = deploy(rest_api({"/x": {"GET": {}}}))
    with pytest.raises(TypeError):
        deployment.api.raw["name"] = "changed"  # type: ignore[index]


def test_deployment_ignores_later_edits_to_the_definition() -> None:
    """§8: editing the definition changes nothing until redeployed."""
    definition = rest_api({"/x": {"GET": {"methodIntegration": mock_integration('{"v": 1}')}}})
    pipeline = make_pipeline(definition)
    definition["resources"][0]["resourceMethods"]["GET"]["methodIntegration"] = mock_integration('{"v": 2}')
    assert send(pipeline, "GET", "/x").response.body == b'{"v": 1}'


def test_deployment_id_is_stable_for_the_same_content() -> None:
    """§8: the lab derives deployment ids from content, so reruns replay."""
    api = rest_api({"/x": {"GET": {}}})
    assert deploy(api).id == deploy(api).id


def test_model_refuses_mock_integration_on_http_api() -> None:
    """§1.1: "Mock integration: HTTP API No" — the error names the route's integration type."""
    with pytest.raises(ConfigError) as exc:
        load_api(http_api({"GET /x": {"integration": mock_integration()}}))
    assert _fields(exc) == ["routes[0].integration.type"]


def test_model_refuses_mock_integration_targeted_by_an_http_route() -> None:
    """§1.1: a MOCK in the API's integrations list, targeted by an HTTP route, is refused too."""
    api = {
        "protocolType": "HTTP",
        "integrations": [{"integrationId": "m1", **mock_integration()}],
        "routes": [{"routeKey": "GET /x", "target": "integrations/m1"}],
    }
    with pytest.raises(ConfigError) as exc:
        load_api(api)
    assert _fields(exc) == ["routes[0].target"]


def test_model_keeps_mock_integration_on_websocket_api() -> None:
    """§1.1: WebSocket APIs do have MOCK integrations."""
    api = load_api(
        {"protocolType": "WEBSOCKET", "routes": [{"routeKey": "$default", "integration": mock_integration()}]}
    )
    assert api.default_route is not None


def test_model_stage_errors_name_the_stage_document() -> None:
    """§8: stage field errors start with "stage." so a 400 says the stage JSON is wrong, not the API's."""
    api = load_api(rest_api({"/x": {"GET": {}}}))
    with pytest.raises(ConfigError) as exc:
        load_stage({"variables": {"bad name": "x"}}, api)
    assert _fields(exc) == ["stage.variables.bad name"]


def test_model_http_api_without_stage_name_runs_default_stage() -> None:
    """§1.1 (DG:http-api-stages): an HTTP API's stage without a name is the $default stage."""
    assert load_stage({}, load_api(http_api({"GET /x": {}}))).name == "$default"


def test_api_type_of_reads_protocol_type_like_the_loader() -> None:
    """§1.1: REST when absent, case-insensitive, and an unknown type is the loader's ConfigError."""
    assert api_type_of({}) == ApiType.REST
    assert api_type_of({"protocolType": "http"}) == ApiType.HTTP
    with pytest.raises(ConfigError) as caught:
        api_type_of({"protocolType": "GRPC"})
    assert caught.value.errors[0][0] == "protocolType"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"authorizers": [{"id": "c", "type": "COGNITO_USER_POOLS", "providerARNs": ["arn:x"]}]},
            "authorizers[0].type",
            "HTTP APIs have no Cognito user pool authorizer; use a JWT authorizer with the pool as its issuer.",
        ),
        (
            {"routes": [{"routeKey": "GET /x", "authorizationType": "COGNITO_USER_POOLS"}]},
            "routes[0].authorizationType",
            "HTTP APIs have no Cognito user pool authorizer; use a JWT authorizer with the pool as its issuer.",
        ),
        (
            {"routes": [{"routeKey": "$default", "authorizationType": "cognito_user_pools"}]},
            "routes[0].authorizationType",
            "HTTP APIs have no Cognito user pool authorizer; use a JWT authorizer with the pool as its issuer.",
        ),
    ],
)
def test_http_api_auth_rules_are_config_errors(change: dict, field: str, message: str) -> None:
    """§1.1, §7: what an HTTP API cannot have is refused when the definition loads (one rule, one place)."""
    api = {"id": "h", "protocolType": "HTTP", "routes": [{"routeKey": "GET /x"}], **change}
    with pytest.raises(ConfigError) as caught:
        load_api(api)
    assert (field, message) in caught.value.errors
