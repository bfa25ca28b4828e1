"""``AWS`` integrations with Lambda (non-proxy, "Lambda custom"): templates in, ``selectionPattern`` out (§6.4).

The mapped request body is the event. On success the default integration response applies; on a
function error its ``errorMessage`` is matched against each ``selectionPattern``; with no match the
default (usually 200!) response carries the error payload, a classic surprise.
"""

from __future__ import annotations

import json
from typing import Any

from ..text import Message
from . import errors, integration_response
from .lambda_invoke import invoke_function
from .request_mapping import map_request
from .types import IntegrationCall, IntegrationError, IntegrationResult, Runtime


def _failed(
    error: IntegrationError, detail: dict[str, Any], duration: float, fidelity: str | Message | None = None
) -> IntegrationResult:
    return IntegrationResult(
        response=None, error=error, detail=detail, duration_ms=duration, fidelity=fidelity
    )


def invoke_lambda_custom(call: IntegrationCall, runtime: Runtime) -> IntegrationResult:
    """Run a non-proxy Lambda integration."""
    detail: dict[str, Any] = {"kind": "lambda_custom"}
    mapped = map_request(call)
    if isinstance(mapped, IntegrationError):
        return _failed(mapped, detail, 0.0)
    body, detail["request_mapping"] = mapped
    try:
        event = json.loads(body) if body.strip() else {}
    except json.JSONDecodeError:
        return _failed(errors.configuration("Could not parse request body into json"), detail, 0.0)
    outcome = invoke_function(call, runtime, event)
    detail.update(
        handler=outcome.handler,
        function=outcome.function_name,
        timeout_ms=outcome.timeout_ms,
        event=event,
        result=outcome.output,
        error=outcome.error,
        timed_out=outcome.timed_out,
    )
    if outcome.timed_out:
        fidelity = errors.timeout_fidelity(call.api_type, outcome.fidelity)
        return _failed(
            errors.timeout(outcome.timeout_ms, call.api_type), detail, outcome.duration_ms, fidelity
        )
    if outcome.error is not None:
        selector, payload = str(outcome.error.get("errorMessage", "")), outcome.error
    else:
        selector, payload = "", outcome.output
    text = json.dumps(payload)  # Lambda returns JSON, so a string output arrives quoted
    result = integration_response.apply(
        call,
        responses=call.integration.get("integrationResponses") or {"200": {}},
        selector=selector,
        body=text,
    )
    if isinstance(result, IntegrationError):
        return _failed(result, detail, outcome.duration_ms, outcome.fidelity)
    response, detail["integration_response"] = result
    return IntegrationResult(
        response=response,
        error=None,
        detail=detail,
        duration_ms=outcome.duration_ms,
        fidelity=outcome.fidelity,
    )
