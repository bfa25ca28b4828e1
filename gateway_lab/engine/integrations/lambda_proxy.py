"""``AWS_PROXY`` integrations: build the event (§6.1/§6.2/§9), invoke, apply the proxy response rules (§6.3)."""

from __future__ import annotations

from typing import Any

from ..speedups import fast_constructor
from . import errors
from .events import proxy_event
from .lambda_invoke import FunctionOutcome, invoke_function
from .proxy_response import parse_proxy_response
from .types import IntegrationCall, IntegrationError, IntegrationResult, Runtime


def _detail(call: IntegrationCall, event: Any, outcome: FunctionOutcome) -> dict[str, Any]:
    return {
        "kind": "lambda_proxy",
        "handler": outcome.handler,
        "function": outcome.function_name,
        "payloadFormatVersion": str(
            call.integration.get("payloadFormatVersion", "2.0" if call.api_type == "HTTP" else "1.0")
        ),
        "timeout_ms": outcome.timeout_ms,
        "event": event,
        "result": outcome.output,
        "error": outcome.error,
        "timed_out": outcome.timed_out,
    }


def invoke_lambda_proxy(call: IntegrationCall, runtime: Runtime) -> IntegrationResult:
    """Run a Lambda proxy integration and return the client response or the gateway error."""
    method = str(
        call.integration.get("httpMethod", call.integration.get("integrationHttpMethod", "POST"))
    ).upper()
    if call.api_type == "REST" and method != "POST":
        # Lambda is invoked with POST; any other integration method is a configuration error (§5.3).
        return errors.config_error(
            f"Lambda proxy integrations must use POST, not {method}", kind="lambda_proxy"
        )
    event = proxy_event(call)
    outcome = invoke_function(call, runtime, event)
    detail = _detail(call, event, outcome)
    result: Any
    if outcome.timed_out:
        result = errors.timeout(outcome.timeout_ms, call.api_type)
    elif outcome.error is not None:
        message = outcome.error.get("errorMessage", "")
        result = errors.lambda_failure(
            call.api_type,
            f"Lambda execution failed with status 200 due to customer function error: {message}",
        )
    else:
        version = str(detail["payloadFormatVersion"])
        result = parse_proxy_response(
            outcome.output,
            api_type=call.api_type,
            payload_version=version,
            binary_media_types=call.binary_media_types,
            accept=call.request.headers.get("Accept", ""),
        )
    if isinstance(result, IntegrationError):
        timed_out = result.gateway_response_type == "INTEGRATION_TIMEOUT"
        return IntegrationResult(
            response=None,
            error=result,
            detail=detail,
            duration_ms=outcome.duration_ms,
            fidelity=errors.timeout_fidelity(call.api_type, outcome.fidelity)
            if timed_out
            else outcome.fidelity,
        )
    return _make_result(result, None, detail, outcome.duration_ms, outcome.fidelity)


_make_result = fast_constructor(IntegrationResult)  # IntegrationResult(...) per call (see speedups)
