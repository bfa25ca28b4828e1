"""Mapping templates, passthrough, mock and non-proxy Lambda integrations (§6.4)."""

from __future__ import annotations

import json

from gateway_lab.engine.integrations import invoke, mapping
from gateway_lab.engine.messages import Request


def _render(template: str, body: str = "", **kw) -> str:
    return mapping.render(
        template,
        body=body,
        params=kw.get("params", {}),
        context=kw.get("context", {}),
        stage_variables=kw.get("stage_variables", {}),
    )


def test_render_input_path_prints_objects_as_java_maps():
    """§6.4: an object from $input.path prints as {foo=bar}, a list as JSON (AWS-recorded)."""
    out = _render("$input.path('$.a') $input.path('$.l')", '{"a": {"foo": "bar"}, "l": [{"foo": "bar"}]}')
    assert out == '{foo=bar} [{"foo":"bar"}]'


def test_render_input_json_returns_json_text():
    """§6.4: $input.json(x) returns the JSONPath result as JSON."""
    assert _render("$input.json('$.pets[0]')", '{"pets": [{"id": 1}]}') == '{"id": 1}'


def test_render_input_params_searches_path_then_query_then_header():
    """§6.4: $input.params(x) looks in path, query string, then headers."""
    params = {"path": {"id": "p"}, "querystring": {"id": "q", "q": "1"}, "header": {"X-Trace": "h"}}
    assert (
        _render("$input.params('id') $input.params('q') $input.params('x-trace')", params=params) == "p 1 h"
    )


def test_render_missing_stage_variable_is_empty():
    """§6.4/§8: a missing stage variable renders as an empty string."""
    assert (
        _render("[$stageVariables.env][$stageVariables.missing]", stage_variables={"env": "dev"}) == "[dev][]"
    )


def test_render_util_functions():
    """§6.4: $util.escapeJavaScript, urlEncode, base64Encode and parseJson."""
    out = _render(
        "$util.escapeJavaScript($input.body)|$util.urlEncode('a b/c')|$util.base64Encode('hi')|"
        "$util.parseJson('{\"k\": 2}').k",
        body='say "hi"',
    )
    assert out == 'say \\"hi\\"|a%20b%2Fc|aGk=|2'


def test_render_context_authorizer_claims():
    """§6.4: $context.authorizer.claims.* reads Cognito claims."""
    assert (
        _render("$context.authorizer.claims.sub", context={"authorizer": {"claims": {"sub": "u-1"}}}) == "u-1"
    )


def _mock(**extra) -> dict:
    return {
        "type": "MOCK",
        "requestTemplates": {
            "application/json": '{"statusCode": #if($input.params(\'fail\') == "1")500#{else}200#end}'
        },
        "integrationResponses": {
            "200": {"responseTemplates": {"application/json": '{"pet": "$context.requestId"}'}},
            "500": {
                "selectionPattern": "5\\d{2}",
                "responseTemplates": {"application/json": '{"error": true}'},
            },
        },
        **extra,
    }


def test_invoke_mock_template_status_selects_integration_response(make_call, runtime):
    """§6.4: the request template's statusCode picks the integration response."""
    ok = invoke(make_call(_mock()), runtime)
    failed = invoke(make_call(_mock(), Request.build("GET", "/pets", query="fail=1")), runtime)
    assert (ok.response.status, json.loads(ok.response.body)) == (200, {"pet": "req-1"})
    assert (failed.response.status, json.loads(failed.response.body)) == (500, {"error": True})


def test_invoke_passthrough_never_rejects_unmapped_content_type_with_415(make_call, runtime):
    """§6.4: NEVER rejects a content type without a template: 415."""
    request = Request.build("POST", "/pets", headers={"Content-Type": "text/plain"}, body="x")
    result = invoke(make_call(_mock(passthroughBehavior="NEVER"), request), runtime)
    assert (result.error.status, result.error.gateway_response_type) == (415, "UNSUPPORTED_MEDIA_TYPE")


def test_invoke_passthrough_when_no_templates_rejects_when_templates_exist(make_call, runtime):
    """§6.4: WHEN_NO_TEMPLATES passes through only if no templates exist at all."""
    request = Request.build("POST", "/pets", headers={"Content-Type": "text/plain"}, body="x")
    result = invoke(make_call(_mock(passthroughBehavior="WHEN_NO_TEMPLATES"), request), runtime)
    assert result.error.status == 415


def test_invoke_passthrough_when_no_match_passes_body_through(make_call, runtime):
    """§6.4: WHEN_NO_MATCH passes unmapped content types through unchanged."""
    request = Request.build("POST", "/pets", headers={"Content-Type": "text/plain"}, body="x")
    result = invoke(make_call(_mock(passthroughBehavior="WHEN_NO_MATCH"), request), runtime)
    assert result.response.status == 200 and result.detail["request_mapping"]["passthrough"] is True


def _lambda_custom(handler: str) -> dict:
    return {
        "type": "AWS", "httpMethod": "POST", "handler": handler,
        "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/x/invocations",
        "requestTemplates": {"application/json": '{"queryStringParameters": {"every": "$input.params(\'every\')"}}'},
        "integrationResponses": {
            "200": {},
            "500": {"selectionPattern": ".*Simulated failure.*",
                    "responseTemplates": {"application/json": '{"failed": "$input.path(\'$.errorType\')"}'}},
        },
    }  # fmt: skip


def test_invoke_lambda_custom_error_message_selects_integration_response(make_call, runtime):
    """§6.4: a Lambda errorMessage matched by selectionPattern gives that response's status."""
    request = Request.build("GET", "/pets", query="every=1")
    result = invoke(make_call(_lambda_custom("flaky"), request), runtime)
    assert (result.response.status, json.loads(result.response.body)) == (500, {"failed": "RuntimeError"})


def test_invoke_lambda_custom_success_uses_default_response(make_call, runtime):
    """§6.4: without an error the default integration response passes the function's JSON through."""
    result = invoke(make_call(_lambda_custom("hello")), runtime)
    assert result.response.status == 200 and json.loads(result.response.body)["statusCode"] == 200
