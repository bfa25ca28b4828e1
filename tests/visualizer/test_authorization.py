"""The builder's Authorization choice: the API JSON it writes, and what the engine then decides."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from gateway_lab.api import services
from gateway_lab.engine import ConfigError, deploy
from gateway_lab.visualizer.scenarios import Query, scenario_for
from gateway_lab.visualizer.scenarios.authorization import LAB_KEY, with_authorization

pytestmark = pytest.mark.django_db

URL = "/visualizer/"


def _first_status(client, **params: str) -> int:
    """Return the status the engine gave the scenario's first request."""
    response = client.get(URL + "?" + urlencode({"preset": "fragile-backend", **params}))
    assert response.status_code == 200
    return response.context["run"].simulation.traces[0].response.status


def _auth_step(client, **params: str):
    response = client.get(URL + "?" + urlencode({"preset": "fragile-backend", **params}))
    return response.context["run"].simulation.traces[0].step("auth")


def _lab_id_token() -> str:
    """The cognito-mobile-app preset's pre-issued ID token for the lab pool the rewrite reuses."""
    return services.preset_get(name="cognito-mobile-app")["requests"][0]["headers"]["Authorization"]


def test_with_authorization_iam_sets_aws_iam_on_every_method_and_adds_a_lab_user():
    """§7.1: IAM auth is the method's authorizationType AWS_IAM; the account gets an IAM user to sign with."""
    api = services.preset_get(name="fragile-backend")["api"]
    result = with_authorization(api, {"stageName": "prod"}, "iam")
    methods = [m for r in result["resources"] for m in r["resourceMethods"].values()]
    assert {m["authorizationType"] for m in methods} == {"AWS_IAM"}
    assert result["labAccess"]["iamUsers"][0]["accessKeys"][0]["accessKeyId"].startswith("AKIA")


def test_with_authorization_api_key_writes_a_usage_plan_for_the_stage():
    """§3.3: a key only works through a usage plan that names the API's stage."""
    api = services.preset_get(name="fragile-backend")["api"]
    result = with_authorization(api, {"stageName": "prod"}, "api_key")
    plan = result["labAccess"]["usagePlans"][-1]
    assert plan["apiStages"] == [{"apiId": api["id"], "stage": "prod"}] and plan["keys"] == [LAB_KEY["id"]]


def test_with_authorization_none_drops_a_presets_authorizer_reference():
    """§7: authorizationType NONE leaves the method open; no authorizerId is left behind."""
    api = services.preset_get(name="cognito-mobile-app")["api"]
    result = with_authorization(api, {"stageName": "prod"}, "none")
    methods = [m for r in result["resources"] for m in r["resourceMethods"].values()]
    assert all(m["authorizationType"] == "NONE" and "authorizerId" not in m for m in methods)


def test_page_auth_iam_unsigned_request_is_403(client):
    """§7.1: an unsigned request to an AWS_IAM method gets 403 Missing Authentication Token."""
    step = _auth_step(client, auth="iam")
    assert step.outcome == "reject" and "MissingAuthenticationToken" in step.title


def test_page_auth_iam_signed_request_is_200(client):
    """§7.1: the same request signed with the lab IAM user passes the auth step."""
    assert _first_status(client, auth="iam", sigv4="sign") == 200


def test_page_auth_api_key_without_a_key_is_403(client):
    """§3.3: a method with apiKeyRequired refuses a request without x-api-key (403 Forbidden)."""
    assert _first_status(client, auth="api_key") == 403


def test_page_auth_api_key_with_the_lab_key_is_200(client):
    """§3.3: the lab key, in a usage plan for the stage, lets the request through."""
    assert _first_status(client, auth="api_key", api_key=LAB_KEY["value"]) == 200


def test_page_auth_cognito_without_a_token_is_401(client):
    """§7.4: a Cognito user pool authorizer answers a request without a token with 401."""
    assert _first_status(client, auth="cognito") == 401


def test_page_auth_cognito_with_a_lab_id_token_is_200(client):
    """§7.4: an ID token from the lab user pool passes the Cognito authorizer."""
    assert _first_status(client, auth="cognito", token=_lab_id_token()) == 200


def test_page_auth_jwt_on_an_http_api_with_a_lab_id_token_is_200(client):
    """§7.3: a JWT authorizer whose issuer is the lab pool accepts the pool's ID token."""
    assert _first_status(client, api_type="HTTP", auth="jwt", token=_lab_id_token()) == 200


def test_page_auth_jwt_on_an_http_api_without_a_token_is_401(client):
    """§7.3: a JWT authorizer answers a request without a token with 401."""
    assert _first_status(client, api_type="HTTP", auth="jwt") == 401


def test_page_auth_lambda_allow_token_is_200(client):
    """§7.2: the static-token authorizer allows the token "allow"."""
    assert _first_status(client, auth="lambda", token="allow") == 200


def test_page_auth_lambda_deny_token_is_403(client):
    """§7.2: an explicit Deny policy from the authorizer is a 403."""
    assert _first_status(client, auth="lambda", token="deny") == 403


def test_page_auth_lambda_on_an_http_api_allow_token_is_200(client):
    """§7.3: an HTTP API REQUEST authorizer (payload 1.0) returning an Allow policy lets the request in."""
    assert _first_status(client, api_type="HTTP", auth="lambda", token="allow") == 200


def test_page_auth_none_opens_an_iam_preset(client):
    """§7: switching the IAM preset's methods to NONE lets its unsigned request through."""
    response = client.get(URL + "?preset=iam-internal-service&auth=none")
    unsigned = response.context["run"].simulation.traces[1]
    assert unsigned.response.status == 200


def test_page_auth_api_key_on_an_http_api_is_a_field_error(client):
    """§1.1: HTTP APIs have no API keys; the choice is refused as a field error (400), not a 500."""
    response = client.get(URL + "?preset=fragile-backend&api_type=HTTP&auth=api_key")
    assert response.status_code == 400
    assert 'data-testid="field-error-auth"' in response.content.decode()


def test_page_auth_cognito_on_an_http_preset_is_a_field_error(client):
    """§1.1: an HTTP API has no Cognito user pool authorizer (it has JWT authorizers)."""
    response = client.get(URL + "?preset=rest-vs-http&api_type=HTTP&auth=cognito")
    assert response.status_code == 400
    assert "JWT authorizer" in response.content.decode()


def test_page_auth_jwt_on_a_rest_api_is_a_field_error(client):
    """§1.1: REST APIs have no JWT authorizer type."""
    assert client.get(URL + "?preset=fragile-backend&auth=jwt").status_code == 400


def test_export_auth_unsupported_by_the_api_type_is_a_400(client):
    """§1.1: the JSON export refuses the same unsupported choice with the field's error."""
    response = client.get(URL + "export.json?preset=fragile-backend&api_type=HTTP&auth=api_key")
    assert response.status_code == 400 and "auth" in response.json()["errors"]


@pytest.mark.parametrize(
    ("query", "english", "chinese"),
    [
        ("preset=fragile-backend&auth=jwt", "REST APIs have no JWT authorizer", "REST API 没有 JWT 授权方"),
        (
            "preset=rest-vs-http&api_type=HTTP&auth=cognito",
            "HTTP APIs have no Cognito user pool authorizer",
            "HTTP API 没有 Cognito 用户池授权方",
        ),
    ],
)
def test_page_auth_refusal_is_the_engines_config_error_translated(client, query, english, chinese):
    """Issue 11 (one rule, one place; §1.1): the field error is the engine's ConfigError, in the page's language."""
    fields = dict(part.split("=") for part in query.split("&"))
    overrides = tuple(sorted((k, v) for k, v in fields.items() if k != "preset"))
    with pytest.raises(ConfigError) as refused:
        deploy(scenario_for(Query(preset=fields["preset"], overrides=overrides)).api)
    assert any(message.startswith(english) for _, message in refused.value.errors)
    assert english in client.get(f"{URL}?{query}", headers={"Accept-Language": "en"}).content.decode()
    response = client.get(f"{URL}?{query}", headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 400
    assert chinese in response.content.decode()
