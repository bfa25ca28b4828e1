"""``MOCK`` integrations: the request template's ``statusCode`` picks the integration response (§6.4)."""

from __future__ import annotations

import json
from typing import Any

from . import integration_response
from .request_mapping import map_request
from .types import IntegrationCall, IntegrationError, IntegrationResult, Runtime


def _status_from(mapped: str) -> str:
    try:
        value = json.loads(mapped) if mapped.strip() else {}
    except json.JSONDecodeError:
        return "200"  # AWS falls back to the default response when the template isn't JSON
    return str(value.get("statusCode", 200)) if isinstance(value, dict) else "200"


def invoke_mock(call: IntegrationCall, runtime: Runtime) -> IntegrationResult:
    """Answer without a backend: template → statusCode → integration response → method response."""
    latency = 0.0 if runtime.live else runtime.base_latency_ms.get("mock", 0.0)
    detail: dict[str, Any] = {"kind": "mock"}
    mapped = map_request(call)
    if isinstance(mapped, IntegrationError):
        return IntegrationResult(response=None, error=mapped, detail=detail, duration_ms=latency)
    body, detail["request_mapping"] = mapped
    status = _status_from(body)
    detail["statusCode"] = status
    responses = call.integration.get("integrationResponses") or {"200": {}}
    # The mock's status code is the selector: a response keyed by it wins, else pattern match, else default.
    chosen = {status: responses[status]} if status in responses else responses
    result = integration_response.apply(call, responses=chosen, selector=status, body="")
    if isinstance(result, IntegrationError):
        return IntegrationResult(response=None, error=result, detail=detail, duration_ms=latency)
    response, detail["integration_response"] = result
    return IntegrationResult(response=response, error=None, detail=detail, duration_ms=latency)
