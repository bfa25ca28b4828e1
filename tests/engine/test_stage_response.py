"""Gateway responses (§5.2, §5.3, §14.11): bodies, casing, request ids, customisation."""

from __future__ import annotations

from .builders import http_api, lambda_integration, make_pipeline, rest_api, send


def test_response_rest_lambda_error_is_502_internal_server_error_with_space() -> None:
    """§5.3: REST answers a broken Lambda response with 502 {"message": "Internal server error"}."""
    api = rest_api({"/x": {"GET": {"methodIntegration": lambda_integration("broken-response")}}})
    trace = send(make_pipeline(api), "GET", "/x")
    assert trace.response.status == 502
    assert trace.response.body == b'{"message": "Internal server error"}'


def test_response_http_api_error_uses_title_case() -> None:
    """§5.3/§14.11: HTTP APIs say "Internal Server Error"."""
    api = http_api(
        {"GET /x": {"integration": lambda_integration("broken-response", payloadFormatVersion="1.0")}}
    )
    trace = send(make_pipeline(api, {"stageName": "$default"}), "GET", "/x", query="variant=bad-status")
    assert trace.response.status == 500
    assert trace.response.body == b'{"message":"Internal Server Error"}'


def test_response_rest_carries_request_id_headers() -> None:
    """§5.3: REST responses carry x-amzn-RequestId and x-amz-apigw-id."""
    trace = send(make_pipeline(rest_api({"/x": {"GET": {}}})), "GET", "/x")
    assert trace.response.headers["x-amzn-RequestId"] == trace.request_id
    assert "x-amz-apigw-id" in trace.response.headers


def test_response_http_api_carries_apigw_requestid() -> None:
    """§5.3: HTTP APIs return apigw-requestid instead."""
    trace = send(make_pipeline(http_api({"GET /x": {}}), {"stageName": "$default"}), "GET", "/nope")
    assert "apigw-requestid" in trace.response.headers
    assert "x-amzn-RequestId" not in trace.response.headers


def test_response_custom_gateway_response_changes_status_headers_and_body() -> None:
    """§5.2: a customised gateway response renders $context.error.messageString and header mappings."""
    custom = {
        "responseType": "MISSING_AUTHENTICATION_TOKEN",
        "statusCode": "404",
        "responseParameters": {"gatewayresponse.header.X-Why": "'no such route'"},
        "responseTemplates": {"application/json": '{"error":$context.error.messageString}'},
    }
    trace = send(make_pipeline(rest_api({"/x": {"GET": {}}}, gatewayResponses=[custom])), "GET", "/nope")
    assert trace.response.status == 404
    assert trace.response.headers["X-Why"] == "no such route"
    assert trace.response.body == b'{"error":"Missing Authentication Token"}'


def test_response_default_4xx_customisation_applies_to_unspecified_types() -> None:
    """§5.2: DEFAULT_4XX customises every 4xx type without its own customisation."""
    custom = {
        "responseType": "DEFAULT_4XX",
        "responseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
    }
    trace = send(make_pipeline(rest_api({"/x": {"GET": {}}}, gatewayResponses=[custom])), "GET", "/nope")
    assert trace.response.headers["Access-Control-Allow-Origin"] == "*"
