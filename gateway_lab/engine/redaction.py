"""Redact secrets from anything shown to someone other than the caller: traces, logs, broadcasts.

AWS's execution logs never print a credential in clear (API keys appear masked, GATEWAY_FACTS.md
§3.3 and §10). The lab does the same wherever a trace leaves its caller: a value keeps a short
prefix (at most 4 characters and at most a quarter of it) followed by ``****``.

``redact`` walks a JSON-shaped value (``trace_to_dict`` output, a Lambda event, a header dict) and

1. masks every value stored under a sensitive name, whatever the case: request headers
   (``Cookie``, ``Authorization``, ``X-Amz-Security-Token``, ``x-api-key``…) in ``headers`` and
   ``multiValueHeaders``, a payload 2.0 event's ``cookies`` list, and fields that carry a credential
   (``authorizationToken``, ``apiKey``, ``token``, ``secretAccessKey``, ``sessionToken``…);
2. then replaces every other occurrence of the secrets it found (and of ``secrets`` the caller
   names, such as the lab's bearer token) inside any string: a handler that echoes its event in a
   response body does not leak the cookie either.

Cookies keep their names (``sessionid=k3x9****``) and ``Authorization`` its scheme
(``Bearer abcd****``), so a trace still teaches which credential was sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "****"
PREFIX_MAX = 4
SCRUB_MIN_LENGTH = 8  # shorter secrets are masked where they are named, not searched for in text

SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-amz-security-token",
        "x-api-key",
        "x-csrftoken",
    }
)
SENSITIVE_FIELDS = frozenset(
    {
        "authorizationtoken",
        "apikey",
        "api_key",
        "token",
        "accesstoken",
        "access_token",
        "idtoken",
        "id_token",
        "refreshtoken",
        "refresh_token",
        "password",
        "secret",
        "client_secret",
        "secretaccesskey",
        "secret_access_key",
        "sessiontoken",
        "session_token",
        "x-amz-signature",
        "x-amz-security-token",
        "signing_key",
        "csrfmiddlewaretoken",
        "sessionid",
        "csrftoken",
    }
)
COOKIE_LISTS = frozenset({"cookies"})
_COOKIE_HEADERS = frozenset({"cookie", "set-cookie"})
_AUTH_HEADERS = frozenset({"authorization", "proxy-authorization"})
# Free-text patterns for credentials that were never seen under a sensitive name.
_TEXT_PATTERNS = (
    re.compile(r"(?i)\b(Bearer\s+)([A-Za-z0-9._~+/=-]{8,})"),
    re.compile(r"(?i)\b((?:sessionid|csrftoken|csrfmiddlewaretoken)=)([^;,\s\"'&]+)"),
)


def mask(value: str) -> str:
    """Return ``value`` as logs show it: a short prefix, then ``****`` (``""`` stays empty)."""
    if not value:
        return value
    if MASK in (value[: len(MASK)], value[-len(MASK) :]) and len(value) <= PREFIX_MAX + len(MASK):
        return value  # already masked (``abcd****``, or the engine's ``****abcd`` for API keys)
    keep = min(PREFIX_MAX, len(value) // 4)
    return value[:keep] + MASK


def mask_cookie(value: str) -> str:
    """Mask each cookie's value in a ``Cookie``/``Set-Cookie`` string, keeping names and attributes."""
    parts = []
    for index, part in enumerate(value.split(";")):
        name, sep, cookie_value = part.partition("=")
        is_attribute = index > 0 and name.strip().lower() in _SET_COOKIE_ATTRIBUTES
        parts.append(part if not sep or is_attribute else f"{name}={mask(cookie_value.strip())}")
    return ";".join(parts)


_SET_COOKIE_ATTRIBUTES = frozenset({"path", "domain", "expires", "max-age", "samesite", "priority"})


def mask_authorization(value: str) -> str:
    """Mask an ``Authorization`` value, keeping its scheme (``Bearer``, ``AWS4-HMAC-SHA256``…)."""
    scheme, sep, credentials = value.strip().partition(" ")
    if not sep:
        return mask(value)
    return f"{scheme} {mask(credentials.strip())}"


def redact(data: Any, *, secrets: Iterable[str] = ()) -> Any:
    """Return a copy of ``data`` with every credential masked (see the module docstring)."""
    found: set[str] = {s for s in secrets if s}
    masked = _mask_named(data, found)
    return _scrub(masked, _replacements(found))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Return ``headers`` with sensitive values masked (a convenience for request logs)."""
    result: dict[str, str] = redact(dict(headers))
    return result


def _mask_named(value: Any, found: set[str]) -> Any:
    if isinstance(value, Mapping):
        return {key: _mask_entry(str(key), item, found) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_named(item, found) for item in value]
    return value


def _mask_entry(key: str, value: Any, found: set[str]) -> Any:
    name = key.lower()
    if name in SENSITIVE_HEADERS or name in SENSITIVE_FIELDS or name in COOKIE_LISTS:
        if isinstance(value, str):
            return _mask_secret(name, value, found)
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return [_mask_secret(name, v, found) for v in value]
    return _mask_named(value, found)


def _mask_secret(name: str, value: str, found: set[str]) -> str:
    if name in _COOKIE_HEADERS or name in COOKIE_LISTS:
        for part in value.split(";"):
            cookie_value = part.partition("=")[2].strip()
            found.add(cookie_value)
        found.add(value)
        return mask_cookie(value)
    found.add(value)
    if name in _AUTH_HEADERS:
        found.add(value.strip().partition(" ")[2].strip())
        return mask_authorization(value)
    return mask(value)


def _replacements(found: set[str]) -> list[tuple[str, str]]:
    # Longest first, so a whole Cookie header is replaced before the cookie values inside it.
    usable = sorted((s for s in found if len(s) >= SCRUB_MIN_LENGTH), key=len, reverse=True)
    return [(secret, mask(secret)) for secret in usable]


def _scrub(value: Any, replacements: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        return _scrub_text(value, replacements)
    if isinstance(value, Mapping):
        return {key: _scrub(item, replacements) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item, replacements) for item in value]
    return value


def _scrub_text(text: str, replacements: list[tuple[str, str]]) -> str:
    for secret, shown in replacements:
        if secret in text:
            text = text.replace(secret, shown)
    for pattern in _TEXT_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + mask(m.group(2)), text)
    return text
