"""Render the engine's step messages (``engine.text``) in the page's language.

A trace dict made with ``trace_to_dict(trace, messages=True)`` carries, beside each step's English
``title``/``reason``/``fidelity_note``, the same sentences as ``{"id": template, "params": {...}}``.
Here the template is looked up in the translation catalogs (``gettext``: the visualizer's own
catalog, ``visualizer/locale``), numbers are formatted for the active locale, nested messages are
translated in turn, and string parameters — paths, ARNs, header names, AWS's own error strings —
are shown verbatim (as ``<code>`` in HTML). A missing translation falls back to the English template.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .templatetags.viz_numbers import grouped_number

_FORMATTER = string.Formatter()


def render(message: Mapping[str, Any] | None, fallback: str = "", *, html: bool = True) -> str:
    """Return ``message`` translated: safe HTML (verbatim values in ``<code>``) or plain text.

    ``fallback`` (the engine's English text) is returned, escaped, when there is no message or the
    translated template does not fit its parameters.
    """
    if not message:
        return conditional_escape(fallback) if html else fallback
    try:
        return _render(message, html=html)
    except (KeyError, IndexError, ValueError, TypeError):
        return conditional_escape(fallback) if html else fallback


def translated(message_id: str) -> str:
    """Return the catalog's translation of one message id (the id itself when there is none)."""
    return gettext(message_id) if message_id else message_id


def _render(message: Mapping[str, Any], *, html: bool) -> str:
    template = translated(str(message["id"]))
    params = message.get("params") or {}
    out: list[str] = []
    for literal, name, spec, _ in _FORMATTER.parse(template):
        if literal:
            out.append(conditional_escape(literal) if html else literal)
        if name is None:
            continue
        out.append(_value(params[name], spec or "", html=html))
    text = "".join(out)
    return mark_safe(text) if html else text  # noqa: S308 - every literal and value escaped above


def _value(value: Any, spec: str, *, html: bool) -> str:
    if isinstance(value, Mapping) and "id" in value:
        return _render(value, html=html)
    if isinstance(value, Mapping) and "join" in value:
        sep = translated(str(value.get("sep") or ", "))
        sep = conditional_escape(sep) if html else sep
        return sep.join(_value(v, "", html=html) for v in value["join"])
    if isinstance(value, list | tuple):
        sep = translated(", ")
        sep = conditional_escape(sep) if html else sep
        return sep.join(_value(v, "", html=html) for v in value)
    if isinstance(value, bool) or value is None:
        return _verbatim(str(value), html=html)
    if isinstance(value, int | float):
        return number(value, spec)
    return _verbatim(str(value), html=html)


def _verbatim(text: str, *, html: bool) -> str:
    return format_html("<code>{}</code>", text) if html else text


def number(value: float, spec: str = "") -> str:
    """Format a number for the active locale, as ``engine.text.fmt`` does for English.

    No spec: grouped, at most two decimals, trailing zeros dropped. ``d``: the integer as is (the
    engine writes bursts and limits ungrouped). ``.Nf``: N decimals. ``g``: shortest form.
    """
    if spec == "d":
        return str(int(value))
    if spec == "g":
        return format(value, "g")
    if spec.startswith(".") and spec.endswith("f") and spec[1:-1].isdigit():
        return grouped_number(value, int(spec[1:-1]))
    return grouped_number(value)


def step_texts(step: Mapping[str, Any]) -> tuple[str, SafeString | str, SafeString | str | None]:
    """Return a trace step's (title as text, reason as HTML, fidelity note as HTML or None)."""
    found = step.get("messages") or {}
    title = render(found.get("title"), str(step.get("title", "")), html=False)
    reason = render(found.get("reason"), str(step.get("reason", "")))
    note = step.get("fidelity_note")
    fidelity = render(found.get("fidelity"), str(note)) if note else None
    return title, reason, fidelity


def translated_detail(detail: Mapping[str, Any], found: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """Return ``detail`` with the sentences the step's messages locate in it (``statements.0.why``)
    replaced by their translation; the engine's ``detail`` itself (the raw JSON panel) is left as is."""
    if not found:
        return detail
    copy: Any = _copy(detail)
    for path, message in found.items():
        *parents, leaf = path.split(".")
        node = copy
        try:
            for part in parents:
                node = node[int(part)] if isinstance(node, list) else node[part]
            key: Any = int(leaf) if isinstance(node, list) else leaf
            node[key] = render(message, str(node[key]), html=False)
        except (KeyError, IndexError, ValueError, TypeError):
            continue
    return copy


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(v) for v in value]
    return value
