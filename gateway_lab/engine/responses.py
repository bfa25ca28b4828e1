"""Gateway responses (§5.2): default status, error type and body per type, and REST customisation.

REST bodies differ byte for byte: throttling and routing answer compactly (``{"message":"Too Many
Requests"}``, 31 bytes) while 4xx validation and 5xx answers carry a space after the colon
(``{"message": "Internal server error"}``, 36 bytes) (§5.2, §5.3). HTTP APIs use their own casing
(``Internal Server Error``, ``Not Found``) and have no customisable gateway responses (§1.1, §14.11).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .context import GatewayError
from .model import ApiType


@dataclass(frozen=True, slots=True)
class ResponseType:
    status: int
    error_type: str | None  # x-amzn-ErrorType (REST)
    message: str
    spaced: bool  # body written as {"message": "..."} (with a space) in AWS captures


_T = ResponseType
DEFAULTS: dict[str, ResponseType] = {
    "MISSING_AUTHENTICATION_TOKEN": _T(
        403, "MissingAuthenticationTokenException", "Missing Authentication Token", False
    ),
    "INVALID_API_KEY": _T(403, "ForbiddenException", "Forbidden", False),
    "ACCESS_DENIED": _T(403, "AccessDeniedException", "Forbidden", False),
    "UNAUTHORIZED": _T(401, "UnauthorizedException", "Unauthorized", False),
    "INVALID_SIGNATURE": _T(403, "InvalidSignatureException", "Forbidden", False),
    "EXPIRED_TOKEN": _T(403, "ExpiredTokenException", "Forbidden", False),
    "WAF_FILTERED": _T(403, None, "Forbidden", False),
    "THROTTLED": _T(429, "TooManyRequestsException", "Too Many Requests", False),
    "QUOTA_EXCEEDED": _T(429, "LimitExceededException", "Limit Exceeded", False),
    "BAD_REQUEST_PARAMETERS": _T(400, "BadRequestException", "Missing required request parameters", True),
    "BAD_REQUEST_BODY": _T(400, "BadRequestException", "Invalid request body", True),
    "UNSUPPORTED_MEDIA_TYPE": _T(415, "BadRequestException", "Unsupported Media Type", True),
    "REQUEST_TOO_LARGE": _T(413, "BadRequestException", "Request Too Long", True),
    "RESOURCE_NOT_FOUND": _T(404, "ResourceNotFoundException", "Not Found", False),
    "INTEGRATION_TIMEOUT": _T(504, "InternalServerErrorException", "Endpoint request timed out", True),
    "INTEGRATION_FAILURE": _T(504, "InternalServerErrorException", "Internal server error", True),
    "API_CONFIGURATION_ERROR": _T(500, "InternalServerErrorException", "Internal server error", True),
    "AUTHORIZER_CONFIGURATION_ERROR": _T(
        500, "AuthorizerConfigurationException", "Internal server error", True
    ),
    "AUTHORIZER_FAILURE": _T(500, "AuthorizerFailureException", "Internal server error", True),
    "DEFAULT_4XX": _T(400, None, "Bad Request", False),
    "DEFAULT_5XX": _T(500, "InternalServerErrorException", "Internal server error", True),
}
# HTTP APIs answer with their own, title-cased messages (§5.3).
HTTP_API_MESSAGES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    413: "Request Entity Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Internal Server Error",
    503: "Service Unavailable",
    504: "Service Unavailable",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Rendered:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    customised: bool


@lru_cache(maxsize=256)  # a throttled burst renders the same few bodies thousands of times
def message_body(message: str | None, *, spaced: bool) -> bytes:
    """Return ``{"message":...}`` as AWS writes it (compact or with a space)."""
    separators = (",", ": ") if spaced else (",", ":")
    return json.dumps({"message": message}, separators=separators).encode()


def render(
    error: GatewayError,
    *,
    api_type: ApiType,
    custom: Mapping[str, Mapping[str, Any]],
    variables: Callable[[], Mapping[str, Any]],
) -> Rendered:
    """Render ``error`` as the client sees it; ``variables`` feed gateway-response templates."""
    default = DEFAULTS.get(error.response_type, DEFAULTS["DEFAULT_5XX"])
    status = error.status or default.status
    message = error.message if error.message is not None else default.message
    if api_type != ApiType.REST:
        body = error.body or message_body(HTTP_API_MESSAGES.get(status, message), spaced=False)
        return Rendered(
            status=status,
            headers=(("Content-Type", "application/json"), *error.headers),
            body=body,
            customised=False,
        )
    headers = [("Content-Type", "application/json"), *error.headers]
    if default.error_type:
        headers.append(("x-amzn-ErrorType", default.error_type))
    spec = custom.get(error.response_type) or custom.get("DEFAULT_4XX" if status < 500 else "DEFAULT_5XX")
    if not spec:
        body = error.body or message_body(message, spaced=default.spaced)
        return Rendered(status=status, headers=tuple(headers), body=body, customised=False)
    values = {
        **variables(),
        "context.error.message": message,
        "context.error.messageString": json.dumps(message),
        "context.error.responseType": error.response_type,
    }
    if spec.get("statusCode"):
        status = int(spec["statusCode"])
    for name, source in (spec.get("responseParameters") or {}).items():
        headers.append((name.removeprefix("gatewayresponse.header."), _parameter(str(source), values)))
    template = (spec.get("responseTemplates") or {}).get("application/json")
    body = (
        _substitute(template, values).encode() if template else message_body(message, spaced=default.spaced)
    )
    return Rendered(status=status, headers=tuple(headers), body=body, customised=True)


_VARIABLE = re.compile(r"\$(?:\{([A-Za-z0-9_.\-]+)\}|([A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9_]))")


def _substitute(template: str, values: Mapping[str, Any]) -> str:
    """Replace ``$context.x`` / ``$stageVariables.x`` (no VTL: gateway responses only substitute, §5.2)."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return str(values.get(name, ""))

    return _VARIABLE.sub(one, template)


def _parameter(source: str, values: Mapping[str, Any]) -> str:
    """Resolve a responseParameters value: a 'quoted literal' or a variable such as ``context.requestId``."""
    if len(source) >= 2 and source[0] == source[-1] == "'":
        return source[1:-1]
    return str(values.get(source, ""))
