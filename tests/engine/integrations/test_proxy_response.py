"""The Lambda proxy response rules of §6.3 as tables, plus AWS's recorded REST validation run (§6.3, §5.3)."""

from __future__ import annotations

import base64
import json

import pytest

from gateway_lab.engine.integrations.errors import HTTP_5XX_MESSAGE, REST_5XX_MESSAGE
from gateway_lab.engine.integrations.proxy_response import parse_proxy_response
from gateway_lab.engine.integrations.types import IntegrationError
from gateway_lab.engine.messages import Response

from .conftest import load_sample

RECORDED = load_sample("localstack_aws_recorded__rest_lambda_proxy_response_validation.json")[
    "recorded-content"
]
B64 = base64.b64encode(b"test-data").decode()

# (recorded case, what the Lambda returned — inputs from LocalStack's test_aws_proxy_response_payload_format_validation)
RECORDED_INPUTS = {
    "invoke-api-no-body": {"statusCode": 200},
    "invoke-api-with-headers": {"statusCode": 200, "headers": {"test-header": "value", "header-bool": True}},
    "invoke-api-with-headers-null": {"statusCode": 200, "headers": None},
    "invoke-api-wrong-format": {"statusCode": 200, "wrongValue": "value"},
    "invoke-api-empty-response": None,  # the echo Lambda got no body and returned nothing
    "invoke-api-b64-encoded-true": {"statusCode": 200, "body": B64, "isBase64Encoded": True},
    "invoke-api-b64-encoded-false": {"statusCode": 200, "body": B64},
    "invoke-api-multi-headers-valid": {"statusCode": 200, "multiValueHeaders": {"test-multi": ["value1", "value2"]}},
    "invoke-api-multi-headers-overwrite": {
        "statusCode": 200, "multiValueHeaders": {"test-multi": ["value-multi"]}, "headers": {"test-multi": "value-solo"}},
    "invoke-api-multi-headers-overwrite-casing": {
        "statusCode": 200, "multiValueHeaders": {"tesT-Multi": ["value-multi"]}, "headers": {"test-multi": "value-solo"}},
    "invoke-api-multi-headers-invalid": {"statusCode": 200, "multiValueHeaders": {"test-multi-invalid": "value1"}},
    "invoke-api-invalid-status-code": {"statusCode": "test"},
    "invoke-api-status-code-str": {"statusCode": "201"},
    "invoke-api-just-string": "justAString",
    "invoke-api-only-headers": {"headers": {"test-header": "value"}},
}  # fmt: skip
GATEWAY_HEADERS = {
    "connection",
    "content-length",
    "date",
    "via",
    "x-amz-cf-id",
    "x-amz-cf-pop",
    "x-amzn-trace-id",
    "x-cache",
    "x-amz-apigw-id",
    "x-amzn-requestid",
}  # added by CloudFront / the gateway, not §6.3


def _client_content(result: Response | IntegrationError):
    """What the recording stored as "content": the JSON body if it parses, else the text."""
    if isinstance(result, IntegrationError):
        return {"message": result.message}
    try:
        return json.loads(result.text())
    except json.JSONDecodeError:
        return result.text()


@pytest.mark.parametrize("case", sorted(RECORDED_INPUTS))
def test_parse_proxy_response_matches_recorded_rest_content(case):
    """§6.3: the client body for each recorded REST case equals what AWS returned."""
    result = parse_proxy_response(RECORDED_INPUTS[case], api_type="REST")
    assert _client_content(result) == RECORDED[case]["content"]


@pytest.mark.parametrize("case", sorted(c for c in RECORDED if "headers" in RECORDED[c]))
def test_parse_proxy_response_matches_recorded_rest_headers(case):
    """§6.3: response headers (bool → "true", multi merged "a, b", multi casing wins, JSON content type)."""
    result = parse_proxy_response(RECORDED_INPUTS[case], api_type="REST")
    expected = {k: v for k, v in RECORDED[case]["headers"].items() if k.lower() not in GATEWAY_HEADERS}
    assert isinstance(result, Response) and result.headers.to_dict() == expected


REST_TABLE = [
    # (Lambda output, expected status) — §6.3's REST table
    ({"statusCode": 200}, 200),
    ({"headers": {"test-header": "value"}}, 200),
    ({}, 200),
    ({"statusCode": "201"}, 201),
    ({"statusCode": "test"}, 502),
    ({"statusCode": 200, "wrongValue": "value"}, 502),
    ("justAString", 502),
    ({"statusCode": 200, "headers": None}, 200),
    ({"statusCode": 200, "multiValueHeaders": {"k": "v"}}, 502),
    ({"statusCode": 200, "body": {"not": "a string"}}, 502),
]


@pytest.mark.parametrize(("output", "status"), REST_TABLE)
def test_parse_proxy_response_rest_table(output, status):
    """§6.3: REST accepts only known keys; statusCode optional, numeric strings allowed; else 502."""
    result = parse_proxy_response(output, api_type="REST")
    assert result.status == status
    if status == 502:
        assert result.message == REST_5XX_MESSAGE and "Malformed Lambda proxy response" in result.log


def test_parse_proxy_response_rest_decodes_base64_for_binary_media_type():
    """§6.3: REST decodes a base64 body only when Accept/content type matches binaryMediaTypes."""
    output = {
        "statusCode": 200,
        "body": B64,
        "isBase64Encoded": True,
        "headers": {"Content-Type": "image/png"},
    }
    result = parse_proxy_response(output, api_type="REST", binary_media_types=["image/*"])
    assert result.body == b"test-data"


HTTP_V2_TABLE = [
    # (Lambda output, status, content-type, body) — §6.3's payload 2.0 inference
    ("Hello", 200, "application/json", b"Hello"),
    ({"message": "hi"}, 200, "application/json", b'{"message": "hi"}'),
    ({"statusCode": 201, "body": "made"}, 201, None, b"made"),
    ({"statusCode": 200, "body": B64, "isBase64Encoded": True}, 200, None, b"test-data"),
    ({"statusCode": 200, "unknown": 1}, 200, None, b""),
]


@pytest.mark.parametrize(("output", "status", "ctype", "body"), HTTP_V2_TABLE)
def test_parse_proxy_response_http_v2_table(output, status, ctype, body):
    """§6.3: 2.0 infers a 200 JSON response without statusCode, ignores unknown keys, decodes base64."""
    result = parse_proxy_response(output, api_type="HTTP", payload_version="2.0")
    assert (result.status, result.headers.get("content-type"), result.body) == (status, ctype, body)


def test_parse_proxy_response_http_v2_cookies_become_set_cookie_headers():
    """§6.3: each cookies entry becomes one set-cookie header."""
    result = parse_proxy_response(
        {"statusCode": 200, "cookies": ["a=1", "b=2"]}, api_type="HTTP", payload_version="2.0"
    )
    assert result.headers.get_all("set-cookie") == ["a=1", "b=2"]


def test_parse_proxy_response_http_v1_requires_status_code():
    """§6.3: HTTP API payload 1.0 needs statusCode; the failure is 500 "Internal Server Error" (§5.3)."""
    result = parse_proxy_response({"body": "x"}, api_type="HTTP", payload_version="1.0")
    assert (result.status, result.message) == (500, HTTP_5XX_MESSAGE)


def test_parse_proxy_response_http_v1_ignores_unknown_keys():
    """§6.3: HTTP APIs ignore unknown keys where REST rejects them."""
    result = parse_proxy_response({"statusCode": 204, "extra": True}, api_type="HTTP", payload_version="1.0")
    assert result.status == 204


def test_parse_proxy_response_websocket_keeps_body_for_route_response():
    """§9: a WebSocket function's body is what a two-way route sends back; unknown keys are ignored."""
    result = parse_proxy_response({"statusCode": 200, "body": "pong", "extra": 1}, api_type="WEBSOCKET")
    assert (result.status, result.body) == (200, b"pong")
