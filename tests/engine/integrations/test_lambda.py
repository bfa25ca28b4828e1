"""Lambda proxy integrations end to end: handlers, allow-list, context, timeouts on the virtual clock (§5.1, §6)."""

from __future__ import annotations

import json

import pytest

from gateway_lab.engine.clock import SystemClock
from gateway_lab.engine.integrations import (
    FunctionRegistry,
    IntegrationConfigError,
    IntegrationRuntime,
    invoke,
)
from gateway_lab.engine.messages import Request


def proxy(handler: str, **extra) -> dict:
    return {"type": "AWS_PROXY", "httpMethod": "POST", "handler": handler, **extra}


def uri_for(name: str) -> str:
    arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
    return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"


def test_invoke_echo_returns_the_rest_event(make_call, runtime):
    """§6.1: the echo function sees the REST event and its response passes §6.3."""
    result = invoke(make_call(proxy("echo")), runtime)
    assert result.response.status == 200 and json.loads(result.response.body)["resource"] == "/pets"
    assert result.detail["event"]["requestContext"]["stage"] == "prod"


def test_invoke_resolves_function_name_from_lambda_uri_with_stage_variable(make_call, runtime):
    """§8: ${stageVariables.fn} in a Lambda URI picks the function."""
    call = make_call(
        {"type": "AWS_PROXY", "httpMethod": "POST", "uri": uri_for("${stageVariables.fn}")},
        stage_variables={"fn": "hello"},
    )
    result = invoke(call, runtime)
    assert json.loads(result.response.body)["message"] == "Hello, world!"


def test_function_registry_refuses_paths_outside_allowed_packages():
    """DESIGN.md: only handlers under the allowed packages may be referenced."""
    with pytest.raises(IntegrationConfigError, match="outside the allowed"):
        FunctionRegistry().resolve("os.system")


def test_function_registry_refuses_names_imported_into_a_module():
    """DESIGN.md: `echo.json` is importable but is not a handler defined there."""
    with pytest.raises(IntegrationConfigError, match="not a function defined"):
        FunctionRegistry().resolve("gateway_lab.functions.lab.current_invocation")


@pytest.mark.parametrize("alias", ["static-token", "allow-list", "oauth-introspection"])
def test_function_registry_resolves_built_in_authorizer_aliases(alias):
    """§7.2: the three built-in Lambda authorizers have short aliases, like `echo`."""
    module = alias.replace("-", "_")
    assert FunctionRegistry().resolve(alias).__module__ == f"gateway_lab.functions.authorizers.{module}"


def test_invoke_with_disallowed_handler_is_configuration_error(make_call, runtime):
    """§5.2: a bad handler reference answers API_CONFIGURATION_ERROR 500, it never runs."""
    result = invoke(make_call(proxy("subprocess.run")), runtime)
    assert (result.error.gateway_response_type, result.error.status) == ("API_CONFIGURATION_ERROR", 500)


def test_invoke_rest_proxy_with_get_integration_method_is_500(make_call, runtime):
    """§5.3: REST AWS_PROXY integrations must call Lambda with POST."""
    result = invoke(make_call(proxy("echo", httpMethod="GET")), runtime)
    assert result.error.status == 500


def test_invoke_slow_handler_times_out_at_exactly_29_s_on_rest(make_call, runtime, clock):
    """§5.1: default REST timeout 29 s → 504 "Endpoint request timed out" at 29 000 ms, no real waiting."""
    before = clock.now_ms()
    result = invoke(make_call(proxy("slow")), runtime)
    assert (result.error.status, result.error.message, result.duration_ms) == (
        504,
        "Endpoint request timed out",
        29_000,
    )
    assert clock.now_ms() == before


def test_invoke_slow_handler_within_http_api_30_s_default(make_call, runtime):
    """§5.1: HTTP APIs wait 30 s by default, so a 29.5 s handler succeeds there but not on REST."""
    request = Request.build("GET", "/pets", query="delay_ms=29500")
    http = invoke(
        make_call(proxy("slow", payloadFormatVersion="2.0"), request, api_type="HTTP", stage="$default"),
        runtime,
    )
    rest = invoke(make_call(proxy("slow"), request), runtime)
    assert (http.response.status, rest.error.status) == (200, 504)


def test_invoke_custom_timeout_applies(make_call, runtime):
    """§5.1: timeoutInMillis 50 (the minimum) is honoured exactly."""
    request = Request.build("GET", "/pets", query="delay_ms=100")
    result = invoke(make_call(proxy("slow", timeoutInMillis=50), request), runtime)
    assert (result.error.status, result.duration_ms) == (504, 50)


def test_invoke_timeout_below_minimum_is_configuration_error(make_call, runtime):
    """§5.1: integration timeouts start at 50 ms."""
    result = invoke(make_call(proxy("hello", timeoutInMillis=49)), runtime)
    assert result.error.gateway_response_type == "API_CONFIGURATION_ERROR"


def test_invoke_regional_rest_may_raise_timeout_above_29_s(make_call, runtime):
    """§5.1 [CHANGED 2024]: Regional/private REST APIs may raise the limit; a 35 s handler then succeeds."""
    result = invoke(make_call(proxy("slow", timeoutInMillis=60_000), endpoint_type="REGIONAL"), runtime)
    assert result.response.status == 200 and result.duration_ms > 35_000


def test_invoke_edge_rest_cannot_raise_timeout_above_29_s(make_call, runtime):
    """§5.1: edge-optimized REST APIs keep the 29 s ceiling."""
    result = invoke(make_call(proxy("slow", timeoutInMillis=60_000), endpoint_type="EDGE"), runtime)
    assert result.error.gateway_response_type == "API_CONFIGURATION_ERROR"


def test_invoke_http_api_cannot_exceed_30_s(make_call, runtime):
    """§5.1: HTTP API timeouts are at most 30 s, not raisable."""
    result = invoke(make_call(proxy("hello", timeoutInMillis=30_001), api_type="HTTP"), runtime)
    assert result.error.gateway_response_type == "API_CONFIGURATION_ERROR"


def test_invoke_flaky_fails_every_third_call_with_502(make_call, runtime):
    """§5.3: a function exception is a Lambda error → 502 on REST."""
    statuses = [invoke(make_call(proxy("flaky")), runtime) for _ in range(3)]
    assert [r.response.status if r.response else r.error.status for r in statuses] == [200, 200, 502]
    assert "customer function error" in statuses[2].error.log


def test_invoke_flaky_failure_is_500_on_http_api(make_call, runtime):
    """§5.3: HTTP API Lambda errors answer 500 "Internal Server Error"."""
    request = Request.build("GET", "/pets", query="every=1")
    result = invoke(make_call(proxy("flaky", payloadFormatVersion="2.0"), request, api_type="HTTP"), runtime)
    assert (result.error.status, result.error.message) == (500, "Internal Server Error")


@pytest.mark.parametrize(
    ("variant", "status"),
    [
        ("extra-key", 502),
        ("bad-status", 502),
        ("string-status", 201),
        ("body-object", 502),
        ("not-an-object", 502),
        ("multi-not-list", 502),
    ],
)
def test_invoke_broken_response_variants(make_call, runtime, variant, status):
    """§6.3: each malformed variant meets the REST rule for its shape."""
    result = invoke(
        make_call(proxy("broken-response"), Request.build("GET", "/x", query=f"variant={variant}")), runtime
    )
    assert (result.response or result.error).status == status


def test_invoke_orders_to_queue_puts_message_on_lab_queue(make_call, runtime):
    """§6.4: the decoupling demo leaves the order on the lab's SQS queue for the UI to show."""
    request = Request.build("POST", "/orders", body='{"item": "book"}')
    result = invoke(make_call(proxy("orders-to-queue"), request), runtime)
    assert result.response.status == 202
    assert json.loads(runtime.services.snapshot()["queues"]["orders"]["messages"][0]["Body"]) == {
        "item": "book"
    }


def test_lambda_context_remaining_time_follows_spent_time(make_call, runtime):
    """DESIGN.md: get_remaining_time_in_millis() counts down with lab.spend on the virtual clock."""
    seen = {}

    def capture(event, context):  # defined here: resolved through a registry allowing this test module
        from gateway_lab.functions import lab

        lab.spend(1500)
        seen["remaining"] = context.get_remaining_time_in_millis()
        return {"statusCode": 200}

    import sys

    sys.modules[__name__].capture = capture
    capture.__module__ = __name__
    registry = FunctionRegistry(allowed_packages=(__name__,), timeout_ms=10_000)
    custom = IntegrationRuntime(
        functions=registry, services=runtime.services, http=runtime.http, clock=runtime.clock
    )
    invoke(make_call(proxy(f"{__name__}.capture")), custom)
    assert seen["remaining"] == 8500


def test_invoke_live_mode_stops_waiting_at_timeout():
    """§5.1: in live mode the gateway waits on the wall clock and answers 504 at the timeout."""
    clock = SystemClock()
    runtime = IntegrationRuntime.default(clock=clock, live=True)
    from gateway_lab.engine.integrations import IntegrationCall

    call = IntegrationCall(
        api_type="REST",
        api_id="a",
        stage="prod",
        region="us-east-1",
        domain_name="d",
        integration=proxy("slow", timeoutInMillis=100),
        request=Request.build("GET", "/", query="delay_ms=5000"),
        request_time_ms=clock.now_ms(),
    )
    started = clock.now_ms()
    result = invoke(call, runtime)
    waited = clock.now_ms() - started
    assert result.error.status == 504 and 90 <= waited < 1000
