"""Turn a Lambda proxy integration's output into the client's response, or a 502/500 (§6.3).

REST (payload 1.0): the output must be a JSON object with only the known keys; ``statusCode`` is
optional (200) and may be a numeric string; ``headers`` values are stringified; ``multiValueHeaders``
values must be lists and merge with ``headers`` (multi first, its key casing wins); a base64 body is
decoded only when the content type or ``Accept`` matches the API's binary media types.
HTTP APIs ignore unknown keys; payload 1.0 needs ``statusCode``; payload 2.0 infers a 200 JSON
response from any output without ``statusCode`` and turns ``cookies`` into ``set-cookie`` headers.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..messages import Headers, Response
from ..speedups import fast_constructor
from . import errors
from .types import IntegrationError

REST_KEYS = frozenset(
    {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded", "base64Encoded"}
)
MALFORMED = "Malformed Lambda proxy response"


class _Malformed(ValueError):
    pass


def _status(raw: Any) -> int:
    if isinstance(raw, bool):
        raise _Malformed("statusCode is a boolean")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw)
    raise _Malformed(f"statusCode {raw!r} is not a number")


def _header_value(value: Any) -> str:
    if value.__class__ is str:  # the usual case, before the isinstance tests
        return value
    if isinstance(value, bool):
        return "true" if value else "false"  # JSON spelling, as the recorded REST response shows (§6.3)
    if isinstance(value, str | int | float):
        return str(value)
    raise _Malformed(f"header value {value!r} is not a scalar")


def _merged_headers(output: Mapping[str, Any], *, allow_multi: bool) -> list[tuple[str, str]]:
    single = output.get("headers") or {}
    multi = (output.get("multiValueHeaders") or {}) if allow_multi else {}
    if (single.__class__ is not dict and not isinstance(single, Mapping)) or (
        multi.__class__ is not dict and not isinstance(multi, Mapping)
    ):
        raise _Malformed("headers must be objects")
    if not multi and len(single) < 2:  # the usual answer (one header, or none): nothing to merge
        return [(name, _header_value(value)) for name, value in single.items()]
    merged: dict[str, tuple[str, list[str]]] = {}  # lower name → (display name, values)
    for name, values in multi.items():
        if not isinstance(values, list):
            raise _Malformed(f"multiValueHeaders[{name!r}] is not a list")
        merged[name.lower()] = (name, [_header_value(v) for v in values])
    for name, value in single.items():
        display, values = merged.get(name.lower(), (name, []))
        merged[name.lower()] = (display, [*values, _header_value(value)])
    return [(display, ", ".join(values)) for display, values in merged.values()]


def _matches_binary(types: Iterable[str], *candidates: str) -> bool:
    patterns = [t.lower() for t in types]
    return any(fnmatch.fnmatch(c.split(";")[0].strip().lower(), p) for c in candidates if c for p in patterns)


def _body(output: Mapping[str, Any], *, decode: bool) -> bytes:
    body = output.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise _Malformed("body is not a string")
    if decode:
        try:
            return base64.b64decode(body, validate=True)
        except binascii.Error as exc:
            raise _Malformed("body is not valid base64") from exc
    return body.encode("utf-8")


def _with_default_type(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if any(name.lower() == "content-type" for name, _ in headers):
        return headers
    return [*headers, ("Content-Type", "application/json")]


def _rest(output: Any, binary_media_types: Iterable[str], accept: str) -> Response:
    if output.__class__ is not dict and not isinstance(output, Mapping):
        raise _Malformed("the output is not a JSON object")
    if not REST_KEYS.issuperset(output):
        raise _Malformed(f"unknown keys {sorted(set(output) - REST_KEYS)}")
    status = _status(output.get("statusCode", 200))
    headers = _with_default_type(_merged_headers(output, allow_multi=True))
    flag = output.get("base64Encoded", output.get("isBase64Encoded", False))
    decode = False
    if flag:
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        decode = _matches_binary(binary_media_types, content_type, accept)
    # Every name and value is a str already (_merged_headers): wrapped as they are, not copied.
    return _make_response(status, Headers.of_pairs(tuple(headers)), _body(output, decode=decode))


_make_response = fast_constructor(Response)  # Response(...) once per Lambda call (see speedups)


def _http_v1(output: Any) -> Response:
    if not isinstance(output, Mapping) or "statusCode" not in output:
        raise _Malformed("payload 1.0 output needs a statusCode")
    headers = _merged_headers(output, allow_multi=True)
    decode = bool(output.get("isBase64Encoded", False))
    return Response(
        status=_status(output["statusCode"]), headers=Headers(headers), body=_body(output, decode=decode)
    )


def _http_v2(output: Any) -> Response:
    if not isinstance(output, Mapping) or "statusCode" not in output:
        if output is None:
            raise _Malformed("the function returned null")
        body = output if isinstance(output, str) else json.dumps(output)
        return Response.build(200, headers={"content-type": "application/json"}, body=body)
    headers = _merged_headers(output, allow_multi=False)
    cookies = output.get("cookies") or []
    if not isinstance(cookies, list):
        raise _Malformed("cookies is not a list")
    headers += [("set-cookie", str(cookie)) for cookie in cookies]
    decode = bool(output.get("isBase64Encoded", False))
    return Response(
        status=_status(output["statusCode"]), headers=Headers(headers), body=_body(output, decode=decode)
    )


def _websocket(output: Any) -> Response:
    # A WebSocket route response is only the body the client receives; unknown keys are ignored.
    if isinstance(output, Mapping) and ("statusCode" in output or "body" in output):
        status = _status(output.get("statusCode", 200))
        body = output.get("body")
        return Response.build(
            status, body=body if isinstance(body, str) else json.dumps(body) if body else ""
        )
    return Response.build(200, body=output if isinstance(output, str) else json.dumps(output))


def parse_proxy_response(
    output: Any,
    *,
    api_type: str,
    payload_version: str = "1.0",
    binary_media_types: Iterable[str] = (),
    accept: str = "",
) -> Response | IntegrationError:
    """Return the client response for a Lambda proxy ``output`` (JSON-decoded), or the gateway error."""
    try:
        if api_type == "WEBSOCKET":
            return _websocket(output)
        if api_type == "HTTP":
            return _http_v2(output) if payload_version == "2.0" else _http_v1(output)
        return _rest(output, binary_media_types, accept)
    except _Malformed as exc:
        return errors.lambda_failure(
            api_type, f"Execution failed due to configuration error: {MALFORMED} ({exc})"
        )
