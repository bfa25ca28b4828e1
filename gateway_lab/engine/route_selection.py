"""Route selection expressions of WebSocket APIs (GATEWAY_FACTS.md §9).

``$request.body.action`` (or any ``$request.body.<JSONPath>``), the ``${request.body.x}`` form that
lets several variables and static text combine (``${request.body.service}/${request.body.action}``
→ ``chat/join``), ``\\$`` to write a literal dollar (``\\$default``), a missing path → ``""``, values
stringified. A message that is not JSON goes to ``$default``, whatever the expression says.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_ROUTE = "$default"
_MISSING = object()
# \$ (escaped dollar) | ${request.body...} | $request.body... (a bare path runs to the first character
# that cannot belong to a JSONPath, so "$request.body.a/$request.body.b" has two variables).
_TOKEN = re.compile(r"\\\$|\$\{(?P<braced>[^}]*)\}|\$(?P<bare>request\.body[A-Za-z0-9_.\[\]'\"-]*)")
_STEP = re.compile(
    r"\.(?P<name>[A-Za-z0-9_-]+)|\[(?P<index>\d+)\]|\['(?P<sq>[^']*)'\]|\[\"(?P<dq>[^\"]*)\"\]"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Selection:
    """The evaluated key plus what went into it, for the trace."""

    key: str
    is_json: bool
    variables: Mapping[str, str] = field(default_factory=dict)


def _lookup(data: Any, path: str) -> Any:
    """Follow ``.name``, ``[0]`` and ``['name']`` steps; return ``_MISSING`` when any step fails."""
    value, position = data, 0
    while position < len(path):
        step = _STEP.match(path, position)
        if step is None:
            return _MISSING
        position = step.end()
        if step.group("index") is not None:
            index = int(step.group("index"))
            value = value[index] if isinstance(value, list) and index < len(value) else _MISSING
        else:
            name = step.group("name") or step.group("sq") or step.group("dq") or ""
            value = value.get(name, _MISSING) if isinstance(value, dict) else _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def stringify(value: Any) -> str:
    """Return the text a selected value contributes: strings as-is, anything else as compact JSON."""
    if value is _MISSING or value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def evaluate(expression: str, body: bytes | str) -> Selection:
    """Evaluate ``expression`` against a message body; non-JSON bodies select ``$default``."""
    try:
        data = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        return Selection(key=DEFAULT_ROUTE, is_json=False)
    variables: dict[str, str] = {}

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "\\$":
            return "$"
        variable = (match.group("braced") or match.group("bare") or "").strip()
        if not variable.startswith("request.body"):
            return ""  # only request.body is available to a route selection expression
        text = stringify(_lookup(data, variable.removeprefix("request.body")))
        variables[variable] = text
        return text

    return Selection(key=_TOKEN.sub(substitute, expression), is_json=True, variables=variables)


def select_route_key(expression: str, body: bytes | str) -> str:
    """Return the selection result for ``body`` (``$default`` when it is not JSON)."""
    return evaluate(expression, body).key


def resolve_route(route_keys: frozenset[str] | set[str], selected: str) -> str | None:
    """Return the route a selected key runs: itself if defined, else ``$default``, else None (an error)."""
    if selected in route_keys and selected not in ("$connect", "$disconnect"):
        return selected
    return DEFAULT_ROUTE if DEFAULT_ROUTE in route_keys else None
