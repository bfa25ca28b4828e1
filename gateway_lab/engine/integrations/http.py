"""``HTTP`` and ``HTTP_PROXY`` integrations through the injectable transport (§6.4, §8).

The URI may use ``${stageVariables.x}`` and ``{pathParam}`` / ``{proxy+}`` placeholders. Under
simulation the transport is still called (a fake in tests, an operator-listed host in the lab);
the latency reported is modelled: the base latency plus the reply's ``elapsed_ms``.

The method must be one API Gateway allows (an RFC 7230 token, checked again by the transport); a
backend that hangs up or answers garbage is an integration failure (§5.2 ``INTEGRATION_FAILURE``:
REST 504), never an exception out of the caller.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

from ..messages import Headers, Response
from ..text import Message, Text
from . import errors, integration_response
from .http_transport import (
    HttpBackendError,
    HttpReply,
    HttpTimeout,
    HttpTransport,
    allow_listed_transport,
    check_method,
)
from .request_mapping import map_request
from .timeouts import resolve_timeout_ms
from .types import IntegrationCall, IntegrationConfigError, IntegrationError, IntegrationResult, Runtime
from .uri import substitute_stage_variables

__all__ = ["HttpTransport", "allow_listed_transport", "invoke_http", "invoke_http_proxy"]

HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length"})
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.-]+)\+?\}")
FAILURE_FIDELITY = Text(
    "HTTP APIs' answer to a backend that hangs up is not documented; the lab answers 500 "
    "Internal Server Error as for other integration failures (§5.3)."
)()


def integration_failure(api_type: str, log: str) -> IntegrationError:
    """Return the error for a backend that answered something other than HTTP (§5.2 INTEGRATION_FAILURE)."""
    log = f"Execution failed due to an integration failure: {log}"
    if api_type == "HTTP":
        return IntegrationError(
            gateway_response_type="DEFAULT_5XX", status=500, message=errors.HTTP_5XX_MESSAGE, log=log
        )
    return IntegrationError(
        gateway_response_type="INTEGRATION_FAILURE", status=504, message=errors.REST_5XX_MESSAGE, log=log
    )


def _integration_method(call: IntegrationCall, default: str) -> str:
    """Return the configured method (``ANY`` → the client's), refusing anything but an allowed token."""
    method = str(
        call.integration.get("httpMethod") or call.integration.get("integrationHttpMethod") or default
    )
    if method.upper() == "ANY":
        method = call.request.method
    return check_method(method)


def _url(call: IntegrationCall, *, proxy: bool) -> str:
    uri = substitute_stage_variables(str(call.integration.get("uri", "")), call.stage_variables)
    uri = _PLACEHOLDER.sub(lambda m: quote(call.path_parameters.get(m.group(1), ""), safe="/"), uri)
    if proxy and call.api_type == "HTTP" and call.route_key == "$default":
        uri = uri.rstrip("/") + call.request.path  # $default forwards the full request path (§6.4)
    if proxy and call.request.query:
        uri += ("&" if "?" in uri else "?") + urlencode(call.request.query)
    return uri


def _send(
    call: IntegrationCall, runtime: Runtime, method: str, url: str,
    headers: tuple[tuple[str, str], ...], body: bytes,
) -> tuple[HttpReply | IntegrationError, float, str | Message | None]:  # fmt: skip
    """Call the backend under the integration timeout; return (reply or error, duration, fidelity)."""
    timeout_ms = resolve_timeout_ms(call.api_type, call.endpoint_type, call.integration)
    started = runtime.clock.now_ms()
    try:
        reply = runtime.http(method, url, headers, body, timeout_ms / 1000)
    except HttpTimeout:
        return (
            errors.timeout(timeout_ms, call.api_type),
            float(timeout_ms),
            errors.timeout_fidelity(call.api_type, None),
        )
    except HttpBackendError as exc:
        fidelity = FAILURE_FIDELITY if call.api_type == "HTTP" else None
        spent = runtime.clock.now_ms() - started if runtime.live else runtime.base_latency_ms.get("http", 0.0)
        return integration_failure(call.api_type, str(exc)), spent, fidelity
    if runtime.live:
        return reply, runtime.clock.now_ms() - started, None
    duration = runtime.base_latency_ms.get("http", 0.0) + reply.elapsed_ms
    if duration > timeout_ms:
        return (
            errors.timeout(timeout_ms, call.api_type),
            float(timeout_ms),
            errors.timeout_fidelity(call.api_type, None),
        )
    note = f"Simulated latency: {runtime.base_latency_ms.get('http', 0.0):g} ms network time plus the backend's reported time."
    return reply, duration, note


def _result(
    outcome: Any, detail: dict[str, Any], duration: float, fidelity: str | Message | None
) -> IntegrationResult:
    if isinstance(outcome, IntegrationError):
        return IntegrationResult(
            response=None, error=outcome, detail=detail, duration_ms=duration, fidelity=fidelity
        )
    return IntegrationResult(
        response=outcome, error=None, detail=detail, duration_ms=duration, fidelity=fidelity
    )


def invoke_http_proxy(call: IntegrationCall, runtime: Runtime) -> IntegrationResult:
    """Forward the request to the backend and return its answer as is (``HTTP_PROXY``)."""
    try:
        method = _integration_method(call, "ANY")
    except IntegrationConfigError as exc:
        return _result(errors.configuration(str(exc)), {"kind": "http_proxy"}, 0.0, None)
    url = _url(call, proxy=True)
    headers = tuple((k, v) for k, v in call.request.headers.pairs if k.lower() not in HOP_BY_HOP)
    reply, duration, fidelity = _send(call, runtime, method, url, headers, call.request.body)
    detail: dict[str, Any] = {"kind": "http_proxy", "method": method, "url": url}
    if isinstance(reply, IntegrationError):
        return _result(reply, detail, duration, fidelity)
    detail["backend_status"] = reply.status
    kept = [(k, v) for k, v in reply.headers if k.lower() not in HOP_BY_HOP]
    return _result(
        Response(status=reply.status, headers=Headers(kept), body=reply.body), detail, duration, fidelity
    )


def invoke_http(call: IntegrationCall, runtime: Runtime) -> IntegrationResult:
    """Map the request with templates, call the backend, map its answer (``HTTP``, non-proxy)."""
    mapped = map_request(call)
    detail: dict[str, Any] = {"kind": "http"}
    if isinstance(mapped, IntegrationError):
        return _result(mapped, detail, 0.0, None)
    body, detail["request_mapping"] = mapped
    try:
        method = _integration_method(call, call.request.method)
    except IntegrationConfigError as exc:
        return _result(errors.configuration(str(exc)), detail, 0.0, None)
    url = _url(call, proxy=False)
    detail.update(method=method, url=url)
    reply, duration, fidelity = _send(
        call, runtime, method, url, (("Content-Type", "application/json"),), body.encode("utf-8")
    )
    if isinstance(reply, IntegrationError):
        return _result(reply, detail, duration, fidelity)
    detail["backend_status"] = reply.status
    text = reply.body.decode("utf-8", errors="replace")
    mapped_response = integration_response.apply(
        call,
        responses=call.integration.get("integrationResponses") or {"200": {}},
        selector=str(reply.status),
        body=text,
        headers=Headers(reply.headers),
    )
    if isinstance(mapped_response, IntegrationError):
        return _result(mapped_response, detail, duration, fidelity)
    response, detail["integration_response"] = mapped_response
    return _result(response, detail, duration, fidelity)
