"""The JSONPath subset mapping templates use: ``$``, ``$.a.b``, ``$['a']``, ``$.a[0]``, ``$.a[*].b``."""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(
    r"\.\s*([A-Za-z_$][\w$-]*)|\[\s*'([^']*)'\s*\]|\[\s*\"([^\"]*)\"\s*\]|\[\s*(-?\d+)\s*\]|\[\s*\*\s*\]|\.\*"
)


def _step(values: list[Any], match: re.Match[str]) -> list[Any]:
    name = match.group(1) or match.group(2) or match.group(3)
    out: list[Any] = []
    for value in values:
        if name is not None:
            if isinstance(value, dict) and name in value:
                out.append(value[name])
        elif match.group(4) is not None:
            if isinstance(value, list) and -len(value) <= int(match.group(4)) < len(value):
                out.append(value[int(match.group(4))])
        elif isinstance(value, list):
            out.extend(value)
        elif isinstance(value, dict):
            out.extend(value.values())
    return out


def evaluate(document: Any, path: str) -> Any:
    """Return the value at ``path``: a single match as is, several as a list, none as ``None``."""
    path = path.strip()
    if not path.startswith("$"):
        raise ValueError(f"JSONPath must start with $: {path!r}")
    values, position, wildcard = [document], 1, False
    while position < len(path):
        match = _TOKEN.match(path, position)
        if not match:
            raise ValueError(f"Unsupported JSONPath: {path!r}")
        wildcard = wildcard or match.group(0).replace(" ", "") in ("[*]", ".*")
        values, position = _step(values, match), match.end()
    if wildcard:
        return values
    return values[0] if values else None
