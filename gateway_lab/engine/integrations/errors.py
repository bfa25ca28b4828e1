"""The gateway errors integrations end in (§5.2, §5.3), as ``IntegrationError`` values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..text import Message, Text
from .types import IntegrationError, IntegrationResult

TIMEOUT_MESSAGE = "Endpoint request timed out"
REST_5XX_MESSAGE = "Internal server error"
HTTP_5XX_MESSAGE = "Internal Server Error"  # HTTP APIs capitalise it (§5.3)
HTTP_TIMEOUT_MESSAGE = "Service Unavailable"  # §5.3: an HTTP API's timed-out integration answers 503
HTTP_TIMEOUT_FIDELITY = Text(
    "HTTP APIs answering a timed-out integration with 503 Service Unavailable is observed for "
    "VPC-link integrations; the lab assumes the same for Lambda and HTTP integrations (§13)."
)()
TWO_NOTES = Text("{first} {second}")


def lambda_failure(api_type: str, log: str) -> IntegrationError:
    """Return the error for a Lambda exception or malformed proxy output: REST 502, HTTP API 500 (§5.3)."""
    if api_type == "HTTP":
        return IntegrationError(
            gateway_response_type="DEFAULT_5XX", status=500, message=HTTP_5XX_MESSAGE, log=log
        )
    return IntegrationError(
        gateway_response_type="DEFAULT_5XX", status=502, message=REST_5XX_MESSAGE, log=log
    )


def timeout(timeout_ms: int, api_type: str = "REST") -> IntegrationError:
    """Return INTEGRATION_TIMEOUT: REST 504 "Endpoint request timed out" (§5.2), HTTP API 503 (§5.3)."""
    log = f"Execution failed due to a timeout error (integration timeout {timeout_ms} ms)"
    if api_type == "HTTP":
        return IntegrationError(
            gateway_response_type="INTEGRATION_TIMEOUT", status=503, message=HTTP_TIMEOUT_MESSAGE, log=log
        )
    return IntegrationError(
        gateway_response_type="INTEGRATION_TIMEOUT", status=504, message=TIMEOUT_MESSAGE, log=log
    )


def timeout_fidelity(api_type: str, note: Message | None) -> Message | None:
    """Return the step's fidelity note for a timeout: HTTP APIs' 503 is observed for VPC links only (§13)."""
    if api_type != "HTTP":
        return note
    return TWO_NOTES(first=HTTP_TIMEOUT_FIDELITY, second=note) if note else HTTP_TIMEOUT_FIDELITY


def configuration(log: str) -> IntegrationError:
    """Return API_CONFIGURATION_ERROR: 500 "Internal server error" (§5.2)."""
    return IntegrationError(
        gateway_response_type="API_CONFIGURATION_ERROR",
        status=500,
        message=REST_5XX_MESSAGE,
        log=f"Execution failed due to configuration error: {log}",
    )


def unsupported_media_type(content_type: str) -> IntegrationError:
    """Return UNSUPPORTED_MEDIA_TYPE: 415 when passthrough forbids an unmapped content type (§6.4)."""
    return IntegrationError(
        gateway_response_type="UNSUPPORTED_MEDIA_TYPE",
        status=415,
        message="Unsupported Media Type",
        log=f"Request body content type {content_type!r} has no mapping template and passthrough is not allowed",
    )


def failed(
    error: IntegrationError, *, detail: Mapping[str, Any], duration_ms: float = 0.0
) -> IntegrationResult:
    """Wrap ``error`` in a result."""
    return IntegrationResult(response=None, error=error, detail=dict(detail), duration_ms=duration_ms)


def config_error(log: str, *, kind: str) -> IntegrationResult:
    """Return a result for a configuration error found before the backend is called."""
    return failed(configuration(log), detail={"kind": kind, "error": log})
