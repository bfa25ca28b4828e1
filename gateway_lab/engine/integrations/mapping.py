"""VTL mapping templates (§6.4): airspeed (the airspeed-ext fork LocalStack uses) parses them, and
``vtl_sandbox`` evaluates them with only the objects AWS documents and within bounds (issue 16).

This module provides the objects templates see: ``$input`` (``body``, ``json``, ``path``, ``params``),
``$util`` (``escapeJavaScript``, ``parseJson``, ``urlEncode``, ``urlDecode``, ``base64Encode``,
``base64Decode``), ``$context`` and ``$stageVariables``. Each wrapper exposes exactly those names.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

from . import jsonpath
from .types import IntegrationConfigError
from .vtl_bounds import MAX_TEMPLATE_CHARS, VtlAbort
from .vtl_sandbox import MAX_FOREACH, VtlError, VtlList, VtlMap, VtlObject, str_of, to_vtl
from .vtl_sandbox import render as render_sandboxed

_VELOCITY_MARK = re.compile(r"[$#\\]")  # what starts a reference, a directive or an escape

__all__ = ["MAX_FOREACH", "VtlInput", "VtlList", "VtlMap", "VtlUtil", "render"]

MAX_JSONPATH_CHARS = 4096  # a JSONPath argument of $input.json/$input.path
_UNPARSED = object()


def _jsonpath(path: Any) -> str:
    if not isinstance(path, str):
        raise TypeError("a JSONPath must be a string")
    if len(path) > MAX_JSONPATH_CHARS:
        raise ValueError(f"a JSONPath is longer than {MAX_JSONPATH_CHARS} characters")
    return path


class VtlInput(VtlObject):
    """``$input``: the method request's body and parameters."""

    VTL_PROPERTIES = frozenset({"body"})
    VTL_METHODS = frozenset({"json", "path", "params"})

    def __init__(self, body: str, params: Mapping[str, Mapping[str, str]]) -> None:
        self.body = body
        self._params = {kind: dict(values) for kind, values in params.items()}
        self._parsed: Any = _UNPARSED

    def _document(self) -> Any:
        # Parsed once per render; path() hands out copies, so templates cannot change it.
        if self._parsed is _UNPARSED:
            try:
                self._parsed = json.loads(self.body) if self.body.strip() else {}
            except json.JSONDecodeError:
                self._parsed = {}
        return self._parsed

    def json(self, path: str = "$") -> str:
        return str_of(json.dumps(jsonpath.evaluate(self._document(), _jsonpath(path))))

    def path(self, path: str = "$") -> Any:
        return to_vtl(jsonpath.evaluate(self._document(), _jsonpath(path)))

    def params(self, name: str | None = None) -> Any:
        """All parameters by kind, or one value searched in path, query string, then header (§6.4)."""
        if name is None:
            return self._params
        if not isinstance(name, str):
            raise TypeError("a parameter name must be a string")
        for kind in ("path", "querystring", "header"):
            values = self._params.get(kind, {})
            if kind == "header":
                values = {k.lower(): v for k, v in values.items()}
                if name.lower() in values:
                    return values[name.lower()]
            elif name in values:
                return values[name]
        return ""


class VtlUtil(VtlObject):
    """``$util``."""

    VTL_METHODS = frozenset(
        {"escapeJavaScript", "parseJson", "urlEncode", "urlDecode", "base64Encode", "base64Decode"}
    )

    def escapeJavaScript(self, text: Any) -> str:  # noqa: N802 — VTL's name
        return str_of(json.dumps(str_of(text))[1:-1].replace("'", "\\'"))

    def parseJson(self, text: Any) -> Any:  # noqa: N802
        if not isinstance(text, str):
            raise TypeError("parseJson takes a string")
        return to_vtl(json.loads(text))

    def urlEncode(self, text: Any) -> str:  # noqa: N802
        return str_of(quote(str_of(text), safe=""))

    def urlDecode(self, text: Any) -> str:  # noqa: N802
        return str_of(unquote(str_of(text)))

    def base64Encode(self, text: Any) -> str:  # noqa: N802
        return str_of(base64.b64encode(str_of(text).encode("utf-8")).decode("ascii"))

    def base64Decode(self, text: Any) -> str:  # noqa: N802
        return str_of(base64.b64decode(str_of(text)).decode("utf-8", errors="replace"))


def render(
    template: str,
    *,
    body: str,
    params: Mapping[str, Mapping[str, str]],
    context: Mapping[str, Any],
    stage_variables: Mapping[str, str],
) -> str:
    """Render a mapping template; a template error or a broken bound is a configuration error."""
    if len(template) <= MAX_TEMPLATE_CHARS and _VELOCITY_MARK.search(template) is None:
        # No reference, directive or escape: Velocity writes such text as it is, so the namespace
        # (a bounded copy of $context) is not built (a MOCK's '{"statusCode": 200}', every request).
        return template
    try:
        namespace = {
            "input": VtlInput(body, params),
            "util": VtlUtil(),
            "context": to_vtl(dict(context)),
            "stageVariables": dict(stage_variables),
        }
        return render_sandboxed(template, namespace)
    except VtlError as exc:
        raise IntegrationConfigError(f"Mapping template error: {exc}") from None
    except VtlAbort as exc:  # a bound broken outside the render itself (an enormous $context)
        raise IntegrationConfigError(f"Mapping template error: {exc.message}") from None
