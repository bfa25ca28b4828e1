"""Lambda proxy events checked key by key against AWS-recorded samples and parsed by Powertools (§6.1, §6.2, §9)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayProxyEventModel,
    APIGatewayProxyEventV2Model,
    APIGatewayWebSocketConnectEventModel,
    APIGatewayWebSocketDisconnectEventModel,
    APIGatewayWebSocketMessageEventModel,
)

from gateway_lab.engine.integrations.events import http_v1_event, http_v2_event, rest_event, websocket_event
from gateway_lab.engine.messages import Client, Request

from .conftest import REQUEST_TIME_MS, load_sample

RECORDED = load_sample("localstack_aws_recorded__rest_lambda_proxy_events.json")["recorded-content"]
PROXY = {
    "type": "AWS_PROXY",
    "httpMethod": "POST",
    "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/echo/invocations",
}


def _recorded_request(sample: dict[str, Any], query: str = "") -> Request:
    """Rebuild the request the recorded sample came from (same headers, method, path, body)."""
    body = sample["body"]
    return Request.build(
        sample["httpMethod"],
        sample["path"],
        query=query,
        headers=list(sample["headers"].items()),
        body=json.dumps(body) if isinstance(body, dict) else body,
        client=Client(source_ip="203.0.113.10", user_agent="python-requests/testing"),
    )


def _rest_call(make_call, sample: dict[str, Any], query: str = ""):
    return make_call(
        PROXY,
        _recorded_request(sample, query),
        stage="stage",
        account_id="111111111111",
        resource_path=sample["resource"],
        path_parameters=sample["pathParameters"] or {},
    )


def _assert_same(ours: Any, recorded: Any, where: str = "$") -> None:
    """Compare key sets everywhere and values wherever the recording holds no placeholder."""
    if isinstance(recorded, dict) and isinstance(ours, dict):
        assert set(ours) == set(recorded), f"{where}: {set(ours) ^ set(recorded)}"
        for key in recorded:
            _assert_same(ours[key], recorded[key], f"{where}.{key}")
    elif isinstance(recorded, str) and "<" in recorded:
        return  # LocalStack snapshot placeholder (<host:1>, <uuid:1>…)
    elif isinstance(recorded, list) and any(isinstance(v, str) and "<" in v for v in recorded):
        return
    else:
        assert ours == recorded, f"{where}: {ours!r} != {recorded!r}"


def test_rest_event_matches_recorded_multi_value_query_event(make_call):
    """§6.1: repeated query keys, POST body and header casing as AWS recorded them."""
    sample = RECORDED["invocation-payload-with-params-encoding-multi"]
    event = rest_event(
        _rest_call(make_call, sample, "category=electronics&category=books&price=10&price=20&price=30")
    )
    event["body"] = json.loads(event["body"])
    sample = {
        **sample,
        "multiValueHeaders": {k: v for k, v in sample["multiValueHeaders"].items() if isinstance(v, list)},
    }
    event["multiValueHeaders"] = {
        k: v for k, v in event["multiValueHeaders"].items() if k in sample["multiValueHeaders"]
    }
    _assert_same(event, sample)


def test_rest_event_query_maps_keep_last_value_and_all_values(make_call):
    """§6.1: queryStringParameters holds the last value, multiValueQueryStringParameters all of them."""
    sample = RECORDED["invocation-payload-with-params-encoding-multi"]
    event = rest_event(_rest_call(make_call, sample, "price=10&price=20&price=30"))
    assert event["queryStringParameters"] == {"price": "30"}
    assert event["multiValueQueryStringParameters"] == {"price": ["10", "20", "30"]}


def test_rest_event_without_query_params_or_body_uses_null(make_call):
    """§6.1: no query, path params, stage variables or body → null, not {}."""
    sample = RECORDED["invocation-hardcoded"]
    event = rest_event(_rest_call(make_call, sample))
    _assert_same(
        {
            k: event[k]
            for k in (
                "body",
                "pathParameters",
                "queryStringParameters",
                "multiValueQueryStringParameters",
                "stageVariables",
            )
        },
        {
            k: sample[k]
            for k in (
                "body",
                "pathParameters",
                "queryStringParameters",
                "multiValueQueryStringParameters",
                "stageVariables",
            )
        },
    )
    assert event["pathParameters"] is None and event["body"] is None


def test_rest_event_decodes_query_values_like_aws(make_call):
    """§6.1: '+' becomes a space and %2B a plus in query values."""
    sample = RECORDED["invocation-payload-with-params-encoding"]
    query = "dateTimeOffset=2023-06-12T18:05:10.123456+00:00&email=test%2Balias@gmail.com&plus=test+alias@gmail.com&url=https://www.google.com/&whitespace=foo%20bar&zhash=abort/"
    event = rest_event(_rest_call(make_call, sample, query))
    assert event["queryStringParameters"] == sample["queryStringParameters"]


def test_rest_event_request_context_path_includes_stage(make_call):
    """§6.1: path is after the stage, requestContext.path includes it; no version key for REST."""
    sample = RECORDED["invocation-payload-with-trailing-slash"]
    event = rest_event(_rest_call(make_call, sample))
    assert (event["path"], event["requestContext"]["path"]) == ("/proxy-value/", "/stage/proxy-value/")
    assert "version" not in event


def test_rest_event_parses_with_powertools_model(make_call):
    """§6.1: the REST event satisfies Powertools' APIGatewayProxyEventModel."""
    event = rest_event(
        _rest_call(make_call, RECORDED["invocation-payload-with-params-encoding-multi"], "a=1")
    )
    parsed = APIGatewayProxyEventModel.model_validate(event)
    assert parsed.requestContext.requestTimeEpoch.timestamp() * 1000 == REQUEST_TIME_MS


def test_rest_event_keeps_identity_and_authorizer_from_auth(make_call):
    """§6.1: API keys fill identity.apiKey/apiKeyId; an authorizer adds requestContext.authorizer."""
    call = make_call(
        PROXY, identity={"apiKey": "k1", "apiKeyId": "id1"}, authorizer={"principalId": "u1", "role": "admin"}
    )
    context = rest_event(call)["requestContext"]
    assert (context["identity"]["apiKey"], context["identity"]["apiKeyId"]) == ("k1", "id1")
    assert context["authorizer"] == {"principalId": "u1", "role": "admin"}


def test_rest_event_base64_encodes_binary_bodies(make_call):
    """§6.1: a body that is not text arrives base64-encoded with isBase64Encoded true."""
    event = rest_event(make_call(PROXY, Request.build("POST", "/pets", body=b"\xff\x00\x01")))
    assert (event["body"], event["isBase64Encoded"]) == ("/wAB", True)


def _v2_request() -> Request:
    sample = load_sample("powertools__apiGatewayProxyV2Event.json")
    headers = [
        ("Header1", "value1"),
        ("Header2", "value1"),
        ("Header2", "value2"),
        ("Cookie", "cookie1; cookie2"),
    ]
    return Request.build(
        "POST",
        sample["rawPath"],
        query=sample["rawQueryString"],
        headers=headers,
        body=sample["body"],
        client=Client(source_ip="192.168.0.1/32", user_agent="agent"),
    )


def test_http_v2_event_matches_powertools_sample(make_call):
    """§6.2: payload 2.0 keys, joined duplicates, cookies array, rawPath/rawQueryString."""
    sample = load_sample("powertools__apiGatewayProxyV2Event.json")
    call = make_call(
        {**PROXY, "payloadFormatVersion": "2.0"},
        _v2_request(),
        api_type="HTTP",
        stage="$default",
        route_key="$default",
        api_id="api-id",
        domain_name="id.execute-api.us-east-1.amazonaws.com",
        request_id="id",
        path_parameters={"parameter1": "value1"},
        stage_variables=sample["stageVariables"],
        authorizer=sample["requestContext"]["authorizer"],
    )
    event = http_v2_event(call)
    expected = dict(sample)
    expected["headers"] = {
        "header1": "value1",
        "header2": "value1,value2",
    }  # names lowercased, Cookie moved out
    expected["requestContext"] = {k: v for k, v in sample["requestContext"].items() if k != "authentication"}
    expected["requestContext"]["http"] = {**sample["requestContext"]["http"], "userAgent": "agent"}
    for volatile in ("time", "timeEpoch"):
        expected["requestContext"][volatile] = event["requestContext"][volatile]
    _assert_same(event, expected)


def test_http_v2_event_omits_empty_optional_fields(make_call):
    """§6.2: without cookies, query, path params, stage variables or body those keys are absent."""
    event = http_v2_event(
        make_call(
            {**PROXY, "payloadFormatVersion": "2.0"}, api_type="HTTP", stage="$default", route_key="GET /pets"
        )
    )
    assert not {"cookies", "queryStringParameters", "pathParameters", "stageVariables", "body"} & set(event)
    APIGatewayProxyEventV2Model.model_validate(event)


def test_http_v2_event_raw_path_keeps_named_stage(make_call):
    """§6.2/§8: only the $default stage is served at the root; a named stage stays in rawPath."""
    event = http_v2_event(
        make_call(
            {**PROXY, "payloadFormatVersion": "2.0"}, api_type="HTTP", stage="dev", route_key="GET /pets"
        )
    )
    assert (event["rawPath"], event["requestContext"]["http"]["path"]) == ("/dev/pets", "/dev/pets")


def test_http_v1_event_adds_version_and_parses_with_powertools(make_call):
    """§6.1: HTTP APIs using payload 1.0 add "version": "1.0" to REST's shape."""
    event = http_v1_event(
        make_call(
            {**PROXY, "payloadFormatVersion": "1.0"}, api_type="HTTP", stage="$default", route_key="GET /pets"
        )
    )
    assert event["version"] == "1.0" and event["multiValueHeaders"] == {}
    APIGatewayProxyEventModel.model_validate(event)


def _ws(route_key: str, **extra: Any) -> dict[str, Any]:
    return websocket_event(
        api_id="ws1",
        stage="prod",
        domain_name="ws1.execute-api.us-east-1.amazonaws.com",
        route_key=route_key,
        connection_id="conn-1=",
        connected_at_ms=REQUEST_TIME_MS - 5000,
        request_id="r1",
        extended_request_id="e1",
        request_time_ms=REQUEST_TIME_MS,
        source_ip="203.0.113.10",
        user_agent="wscat",
        request=Request.build("GET", "/", headers={"Host": "ws1.execute-api.us-east-1.amazonaws.com"}),
        **extra,
    )


def test_websocket_connect_event_parses_with_powertools():
    """§9: $connect carries headers and eventType CONNECT."""
    event = _ws("$connect")
    parsed = APIGatewayWebSocketConnectEventModel.model_validate(event)
    assert parsed.request_context.event_type == "CONNECT" and "messageId" not in event["requestContext"]


def test_websocket_message_event_has_message_id_and_body():
    """§9: MESSAGE events carry messageId and the frame as body, no headers."""
    event = _ws("sendmessage", body='{"action":"sendmessage"}', message_id="m-1")
    parsed = APIGatewayWebSocketMessageEventModel.model_validate(event)
    assert (parsed.request_context.message_id, event["body"]) == ("m-1", '{"action":"sendmessage"}')
    assert "headers" not in event


def test_websocket_disconnect_event_has_status_code_and_reason():
    """§9: $disconnect adds disconnectStatusCode and disconnectReason."""
    event = _ws("$disconnect", disconnect_status_code=1001, disconnect_reason="Client-side close frame")
    parsed = APIGatewayWebSocketDisconnectEventModel.model_validate(event)
    assert (parsed.request_context.disconnect_status_code, parsed.request_context.disconnect_reason) == (
        1001,
        "Client-side close frame",
    )
