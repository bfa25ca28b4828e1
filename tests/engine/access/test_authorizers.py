"""Lambda authorizer events, outputs and cache rules (GATEWAY_FACTS.md §7.2, §7.3) vs AWS samples and Powertools."""

from __future__ import annotations

import json

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    ApiGatewayAuthorizerRequest,
    ApiGatewayAuthorizerRequestV2,
    ApiGatewayAuthorizerToken,
)

from gateway_lab.engine.access import authorizers
from gateway_lab.engine.access.iam_policy import Effect
from gateway_lab.engine.integrations.events import http_v2_event, rest_event
from gateway_lab.engine.integrations.types import IntegrationCall
from gateway_lab.engine.messages import Client, Headers, Request
from tests.shared_files import SAMPLES  # noqa: E402

ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/1"


def _sample(name: str) -> dict:
    return json.loads((SAMPLES / f"powertools__{name}.json").read_text())


def _call(api_type: str = "REST") -> IntegrationCall:
    request = Request.build(
        "GET",
        "/pets/1",
        query="verbose=1",
        headers={"Authorization": "allow", "x-client-id": "mobile-app", "Cookie": "a=1"},
        client=Client(source_ip="198.51.100.7", user_agent="curl/8.5.0"),
    )
    return IntegrationCall(
        api_type=api_type,
        api_id="abc123",
        stage="prod",
        region="us-east-1",
        domain_name="abc123.execute-api.us-east-1.amazonaws.com",
        integration={},
        request=request,
        resource_path="/pets/{id}",
        route_key="GET /pets/{id}",
        path_parameters={"id": "1"},
        stage_variables={"allowedClients": "mobile-app"},
        request_id="req-1",
        request_time_ms=1_767_225_600_000.0,
    )


def test_token_event_has_the_sample_keys() -> None:
    """§7.2: the TOKEN event is exactly type, authorizationToken and methodArn."""
    event = authorizers.token_event(token="allow", arn=ARN)
    assert set(event) == set(_sample("apiGatewayAuthorizerTokenEvent"))
    ApiGatewayAuthorizerToken.model_validate(event)


def test_rest_request_event_parses_with_powertools_model() -> None:
    """§7.2: the REST REQUEST event carries the request parts and methodArn, and Powertools accepts it."""
    event = authorizers.rest_request_event(rest_event(_call()), arn=ARN)
    parsed = ApiGatewayAuthorizerRequest.model_validate(event)
    assert (parsed.type, parsed.methodArn, parsed.resource) == ("REQUEST", ARN, "/pets/{id}")
    assert "body" not in event


# AWS's payload-1.0 HTTP API authorizer example (DG:http-api-lambda-authorizer; aws-lambda-go's
# apigw-v2-custom-authorizer-v1-request.json): REST's request parts without the multi-value maps.
HTTP_V1_AUTHORIZER_KEYS = {
    "version", "type", "methodArn", "identitySource", "authorizationToken", "resource", "path", "httpMethod",
    "headers", "queryStringParameters", "pathParameters", "stageVariables", "requestContext",
}  # fmt: skip


def test_http_v1_request_event_has_the_sample_keys() -> None:
    """§7.3: payload 1.0 adds identitySource and authorizationToken as comma-joined strings, no multi-value maps."""
    event = authorizers.http_request_event(
        rest_event(_call("HTTP")), arn=ARN, version="1.0", values=["user1", "123"], stage="prod"
    )
    assert set(event) == HTTP_V1_AUTHORIZER_KEYS
    assert (event["identitySource"], event["authorizationToken"]) == ("user1,123", "user1,123")
    assert event["requestContext"]["path"] == "/pets/1"  # no stage prefix, unlike the proxy event
    # Powertools' ApiGatewayAuthorizerRequest is the REST model (it requires multiValueHeaders): not this event's.


def test_http_v2_request_event_matches_sample_keys() -> None:
    """§7.3: payload 2.0 carries routeArn and identitySource as an array, like the AWS sample."""
    event = authorizers.http_request_event(
        http_v2_event(_call("HTTP")), arn=ARN, version="2.0", values=["allow"]
    )
    sample = _sample("apiGatewayAuthorizerV2Event")
    assert set(event) == set(sample)
    assert set(event["requestContext"]) <= set(sample["requestContext"]) | {"authorizer"}
    parsed = ApiGatewayAuthorizerRequestV2.model_validate(event)
    assert (parsed.routeArn, parsed.identitySource) == (ARN, ["allow"])


def test_resolve_identity_reports_missing_source() -> None:
    """§7.2: a missing identity source means 401 without invoking the function."""
    request = Request.build("GET", "/pets", headers={"Authorization": "t"})
    values, missing = authorizers.resolve_identity(
        ["method.request.header.Authorization", "method.request.querystring.tenant"],
        request=request,
        stage_variables={},
        context={},
    )
    assert (values, missing) == (["t"], "method.request.querystring.tenant")


def test_resolve_identity_reads_http_api_sources() -> None:
    """§7.3: $request.header (case-insensitive), $request.querystring, $stageVariables and $context."""
    request = Request.build("GET", "/pets", query="tenant=t1", headers={"authorization": "tok"})
    values, missing = authorizers.resolve_identity(
        [
            "$request.header.Authorization",
            "$request.querystring.tenant",
            "$stageVariables.env",
            "$context.routeKey",
        ],
        request=request,
        stage_variables={"env": "prod"},
        context={"routeKey": "GET /pets"},
    )
    assert (values, missing) == (["tok", "t1", "prod", "GET /pets"], None)


@pytest.mark.parametrize(("raw", "expected"), [(None, 300), (0, 0), (60, 60), (7200, 3600)])
def test_ttl_seconds_defaults_caps_and_turns_off(raw: int | None, expected: int) -> None:
    """§7.2: TTL defaults to 300 s, 0 turns caching off, 3600 s is the maximum."""
    authorizer = {} if raw is None else {"authorizerResultTtlInSeconds": raw}
    assert authorizers.ttl_seconds(authorizer) == expected


def test_cache_key_differs_per_identity_value() -> None:
    """§7.2: the result cache is keyed by the identity source values."""
    one = authorizers.cache_key(api_id="a", authorizer_id="z", values=["tok-1"])
    assert one != authorizers.cache_key(api_id="a", authorizer_id="z", values=["tok-2"])


def _output(resource: str, effect: str = "Allow") -> authorizers.AuthorizerOutput:
    raw = {
        "principalId": "u1",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
    }
    return authorizers.parse_output(raw, simple=False, strict_context=True)


def test_decide_cached_policy_for_one_path_denies_another() -> None:
    """§7.2: a policy naming one method ARN, reused from the cache, does not cover another path (the {proxy+} trap)."""
    output = _output(ARN)
    assert authorizers.decide(output, arn=ARN)[0] == Effect.ALLOW
    assert authorizers.decide(output, arn=ARN.replace("/pets/1", "/orders/7"))[0] == Effect.SILENT


def test_decide_explicit_deny() -> None:
    """§7.2: an explicit Deny in the returned policy is a Deny."""
    assert authorizers.decide(_output(ARN, "Deny"), arn=ARN)[0] == Effect.DENY


def test_parse_output_rejects_object_in_rest_context() -> None:
    """§7.2: REST context values must be strings, numbers or booleans."""
    raw = {"principalId": "u", "policyDocument": {"Statement": [{}]}, "context": {"user": {"id": 1}}}
    assert authorizers.parse_output(raw, simple=False, strict_context=True).problem


def test_parse_output_simple_response() -> None:
    """§7.3: a simple response is {"isAuthorized": bool, "context": {...}}; context may hold any JSON."""
    output = authorizers.parse_output(
        {"isAuthorized": False, "context": {"a": [1]}}, simple=True, strict_context=False
    )
    assert authorizers.decide(output, arn=ARN)[0] == Effect.SILENT


def test_stringified_context_values() -> None:
    """§7.2: REST hands context values on as strings."""
    assert authorizers.stringified({"n": 3, "ok": True, "s": "x"}) == {"n": "3", "ok": "true", "s": "x"}


@pytest.mark.parametrize(
    "sources",
    [
        ["method.request.header.Authorization"],
        ["$request.header.authorization", "$request.header.X-Tenant"],
        ["route.request.header.Auth", "route.request.header.Authorization"],
        ["method.request.header.X-Missing", "method.request.header.Authorization"],
        [],
    ],
)
def test_header_identity_reads_what_resolve_identity_reads(sources: list[str]) -> None:
    """§7.2, §7.3, §9: header-only identity sources (the authorizer's fast path) give the same
    values and the same missing source as the general resolver."""
    request = Request.build(
        "GET", "/pets", headers={"Authorization": "tok", "x-tenant": "t1", "X-Missing": ""}
    )
    names = [authorizers.header_source(source) for source in sources]
    assert None not in names
    fast = authorizers.header_identity(request.headers, [n for n in names if n], sources)
    assert fast == authorizers.resolve_identity(sources, request=request, stage_variables={}, context={})


def test_header_source_is_none_for_other_sources() -> None:
    """Query strings, stage variables and $context are not headers: the general resolver reads them."""
    for source in (
        "method.request.querystring.tenant",
        "$stageVariables.env",
        "$context.routeKey",
        "header.X",
    ):
        assert authorizers.header_source(source) is None


def test_header_identity_takes_the_last_of_repeated_headers() -> None:
    """§6.1: a repeated header's single value is its last one, in any case, as ``Headers.get`` says."""
    headers = Headers([("authorization", "first"), ("X-Other", "x"), ("AUTHORIZATION", "last")])
    sources = ["method.request.header.Authorization"]
    assert authorizers.header_identity(headers, ["Authorization"], sources) == (["last"], None)
    assert headers.get("Authorization") == "last"
