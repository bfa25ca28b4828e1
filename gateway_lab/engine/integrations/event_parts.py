"""Pieces shared by the Lambda event builders: times, identity, bodies, header and query maps (§6)."""

from __future__ import annotations

import base64
import fnmatch
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from ..messages import Headers, Request

IDENTITY_KEYS = (
    "accessKey", "accountId", "caller", "cognitoAuthenticationProvider", "cognitoAuthenticationType",
    "cognitoIdentityId", "cognitoIdentityPoolId", "principalOrgId", "sourceIp", "user", "userAgent", "userArn",
)  # fmt: skip


def request_time(epoch_ms: float) -> str:
    """Format epoch ms the way API Gateway does: ``04/Mar/2020:19:15:17 +0000`` (§6.1)."""
    return _request_time(int(epoch_ms // 1000))


@lru_cache(maxsize=64)  # strftime is slow, and consecutive requests share their second
def _request_time(epoch_s: int) -> str:
    return datetime.fromtimestamp(epoch_s, tz=UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def domain_prefix(domain_name: str) -> str:
    return domain_name.split(".", 1)[0]


def user_agent(request: Request) -> str:
    return request.headers.get("User-Agent", request.client.user_agent)


def rest_identity(request: Request, extra: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``requestContext.identity``: all keys null but sourceIp/userAgent, plus what auth filled (§6.1)."""
    identity: dict[str, Any] = dict.fromkeys(IDENTITY_KEYS)
    identity["sourceIp"] = request.client.source_ip
    identity["userAgent"] = user_agent(request)
    identity.update(extra)
    return identity


def single_headers(headers: Headers) -> dict[str, str]:
    """Single-value map: original casing, last value wins (§6.1)."""
    return headers.to_dict()


def multi_headers(headers: Headers) -> dict[str, list[str]]:
    return {name: headers.get_all(name) for name in headers}


def single_query(pairs: Iterable[tuple[str, str]]) -> dict[str, str] | None:
    """``queryStringParameters``: the last value of each name, ``None`` when there is no query (§6.1)."""
    result = dict(pairs)
    return result or None


def multi_query(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]] | None:
    result: dict[str, list[str]] = {}
    for name, value in pairs:
        result.setdefault(name, []).append(value)
    return result or None


def is_binary(request: Request, binary_media_types: Iterable[str]) -> bool:
    """True when the body must travel base64-encoded: it is not UTF-8 or its type is a binary media type."""
    content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type and any(fnmatch.fnmatch(content_type, pattern.lower()) for pattern in binary_media_types):
        return True
    try:
        request.body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def encode_body(request: Request, binary_media_types: Iterable[str]) -> tuple[str | None, bool]:
    """Return (body, isBase64Encoded); an empty body is ``None`` (§6.1)."""
    if not request.body:
        return None, False
    if is_binary(request, binary_media_types):
        return base64.b64encode(request.body).decode("ascii"), True
    return request.body.decode("utf-8"), False


def or_none(mapping: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Return a plain dict, or ``None`` for an empty mapping (REST sends null, not {}) (§6.1)."""
    return dict(mapping) if mapping else None
