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


def test_response_edge_rest_headers_equal_the_general_path() -> None:
    """§5.3, §2 (issue 17): an edge REST answer's gateway headers (the response stage's one-tuple path)
    are those of the general path, which a response header added by a stage takes: same names, values
    and order once that header is left out; the backend's own Date is replaced on both."""
    from gateway_lab.engine.messages import Headers, Request, Response
    from gateway_lab.engine.stages import response as stage

    pipeline = make_pipeline(rest_api({"/x": {"GET": {}}}, endpoint="EDGE"))
    ctx = pipeline.start(Request.build("GET", "/x", headers={"Accept": "*/*"}, time_ms=pipeline.origin_ms))
    pipeline._stages[0].evaluate(ctx)  # the endpoint: CloudFront's hop and the trace id
    backend = Response(status=200, headers=Headers([("Date", "old"), ("X-Own", "1")]), body=b"{}")
    fast = stage._with_gateway_headers(ctx, backend).pairs
    ctx.response_headers.append(("X-Stage-Added", "yes"))
    general = [pair for pair in stage._with_gateway_headers(ctx, backend).pairs if pair[0] != "X-Stage-Added"]
    assert ctx.edge and [name for name, _ in fast].count("Date") == 1
    assert list(fast) == general
    assert ("X-Own", "1") in fast and ("Date", "old") not in fast
