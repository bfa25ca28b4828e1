"""VTL mapping templates, rendered by ``airspeed`` (the airspeed-ext fork LocalStack uses) (§6.4).

This module only provides the objects templates see: ``$input`` (``body``, ``json``, ``path``,
``params``), ``$util`` (``escapeJavaScript``, ``parseJson``, ``urlEncode``…), ``$context`` and
``$stageVariables``. Velocity itself is airspeed's.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote

import airspeed

from . import jsonpath
from .types import IntegrationConfigError

MAX_FOREACH = 1000  # §5.1: #foreach iterations in a mapping template


class VtlMap(dict[str, Any]):
    """A JSON object as VTL prints it: Java map syntax ``{foo=bar}`` (AWS-recorded, §6.4)."""

    def __str__(self) -> str:
        return "{" + ", ".join(f"{k}={v}" for k, v in self.items()) + "}"


class VtlList(list[Any]):
    """A JSON array as VTL prints it: JSON (AWS-recorded, §6.4)."""

    def __str__(self) -> str:
        return json.dumps(self, separators=(",", ":"))


def _vtl(value: Any) -> Any:
    # Recurse into containers only: $context holds dozens of plain strings per request.
    if isinstance(value, dict):
        return VtlMap({k: _vtl(v) if isinstance(v, dict | list) else v for k, v in value.items()})
    if isinstance(value, list):
        return VtlList(_vtl(v) if isinstance(v, dict | list) else v for v in value)
    return value


class VtlInput:
    """``$input``: the method request's body and parameters."""

    def __init__(self, body: str, params: Mapping[str, Mapping[str, str]]) -> None:
        self.body = body
        self._params = {kind: dict(values) for kind, values in params.items()}

    def _document(self) -> Any:
        try:
            return json.loads(self.body) if self.body.strip() else {}
        except json.JSONDecodeError:
            return {}

    def json(self, path: str = "$") -> str:
        return json.dumps(jsonpath.evaluate(self._document(), path))

    def path(self, path: str = "$") -> Any:
        return _vtl(jsonpath.evaluate(self._document(), path))

    def params(self, name: str | None = None) -> Any:
        """All parameters by kind, or one value searched in path, query string, then header (§6.4)."""
        if name is None:
            return self._params
        for kind in ("path", "querystring", "header"):
            values = self._params.get(kind, {})
            if kind == "header":
                values = {k.lower(): v for k, v in values.items()}
                if name.lower() in values:
                    return values[name.lower()]
            elif name in values:
                return values[name]
        return ""


class VtlUtil:
    """``$util``."""

    def escapeJavaScript(self, text: Any) -> str:  # noqa: N802 — VTL's name
        return json.dumps(str(text))[1:-1].replace("'", "\\'")

    def parseJson(self, text: str) -> Any:  # noqa: N802
        return _vtl(json.loads(text))

    def urlEncode(self, text: str) -> str:  # noqa: N802
        return quote(str(text), safe="")

    def urlDecode(self, text: str) -> str:  # noqa: N802
        return unquote(str(text))

    def base64Encode(self, text: str) -> str:  # noqa: N802
        return base64.b64encode(str(text).encode("utf-8")).decode("ascii")

    def base64Decode(self, text: str) -> str:  # noqa: N802
        return base64.b64decode(str(text)).decode("utf-8", errors="replace")


def render(
    template: str,
    *,
    body: str,
    params: Mapping[str, Mapping[str, str]],
    context: Mapping[str, Any],
    stage_variables: Mapping[str, str],
) -> str:
    """Render a mapping template; a template error is a configuration error."""
    namespace = {
        "input": VtlInput(body, params),
        "util": VtlUtil(),
        "context": _vtl(dict(context)),
        "stageVariables": dict(stage_variables),
    }
    try:
        return _compiled(template).merge(namespace)
    except airspeed.TemplateError as exc:
        raise IntegrationConfigError(f"Mapping template error: {exc}") from exc


@lru_cache(maxsize=256)
def _compiled(template: str) -> airspeed.Template:
    """Parse a template once: parsing costs more than rendering, and a merge leaves the parse tree unchanged."""
    compiled = airspeed.Template(template)
    compiled.ensure_compiled()
    return compiled
