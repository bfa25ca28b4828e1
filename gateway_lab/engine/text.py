"""Step text as message ids plus parameters, so every front end can show it in the learner's language.

A ``Text`` is one English sentence template with ``{name}`` placeholders; its template *is* its
message id (a gettext msgid: the English text doubles as the fallback). Calling it with the
parameters gives a ``Message``; ``str(message)`` is the English text the engine has always put in
``Step.title``/``reason``/``fidelity``, and the message itself travels beside it
(``Step.title_msg``/``reason_msg``/``fidelity_msg``) for front ends that translate (issue 10).

Parameter values:

- ``str``: shown verbatim (paths, ARNs, header names, AWS's own error strings);
- ``int``/``float``: a number, formatted for the reader (``fmt`` in English; a spec such as
  ``{rate:.2f}`` or ``{burst:d}`` is kept as written);
- ``Message``: a nested phrase, translated on its own;
- ``list``/``tuple`` of those: joined with ", " (``Joined`` names another separator).

Every ``Text`` registers itself in ``CATALOG`` when its module is imported, so a test can walk the
engine's modules and check every message it can emit has a translation.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from typing import Any

CATALOG: dict[str, Text] = {}
_FORMATTER = string.Formatter()
_new_message = object.__new__


def fmt(number: float) -> str:
    """Format a number for a learner: ``5`` not ``5.0``, ``0.4`` not ``0.4000001``."""
    if number.__class__ is int:
        return f"{number:,}"
    value = number if number.__class__ is float else float(number)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


class Message:
    """One sentence: its id (the English template) and its parameters."""

    __slots__ = ("text", "params", "_english")

    def __init__(self, text: Text, params: Mapping[str, Any]) -> None:
        self.text = text
        self.params = params
        self._english: str | None = None  # rendered once (cached messages are reused per request)

    @property
    def id(self) -> str:
        return self.text.id

    def __str__(self) -> str:
        english = self._english
        if english is None:
            english = self._english = self.text.english(self.params)
        return english

    def __repr__(self) -> str:
        return f"Message({self.text.id!r}, {dict(self.params)!r})"

    def __contains__(self, part: str) -> bool:
        """``"503" in message`` looks in the English text, as with the plain strings messages replace."""
        return part in str(self)

    def __format__(self, spec: str) -> str:
        """``{why:cap}`` starts a nested phrase with a capital letter (English only)."""
        english = str(self)
        return english[:1].upper() + english[1:] if spec == "cap" else format(english, spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and other.text.id == self.text.id and other.params == self.params

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-safe ``{"id": ..., "params": {...}}`` (nested messages likewise)."""
        return {"id": self.text.id, "params": {k: _param_to_json(v) for k, v in self.params.items()}}


class Text:
    """A registered English sentence template; call it with its parameters to get a ``Message``."""

    __slots__ = ("id", "fields", "english", "_bare", "_memo")

    def __init__(self, template: str) -> None:
        self.id = template
        # (name, spec) of each placeholder: a spec'd number is formatted by its spec, not by fmt().
        self.fields = tuple(
            (name, spec or "") for _, name, spec, _ in _FORMATTER.parse(template) if name is not None
        )
        self.english: Callable[[Mapping[str, Any]], str] = _compile(template)
        self._bare = Message(self, {})
        if not self.fields:
            self._bare._english = template  # a sentence without parameters is its own English
        self._memo: dict[tuple[Any, ...], Message] = {}
        CATALOG.setdefault(template, self)  # two modules may share a sentence

    def __call__(self, **params: Any) -> Message:
        if not params:
            return self._bare
        message = _new_message(Message)  # Message(self, params) without its __init__ frame (hot path)
        message.text, message.params, message._english = self, params, None
        return message

    def cached(self, **params: str | int | float) -> Message:
        """Like calling the text, for parameters that repeat across requests (a route, a method, a
        modelled latency): the message and its English rendering are reused."""
        key = tuple(params.values())
        message = self._memo.get(key)
        if message is None:
            if len(self._memo) > 1024:
                self._memo.clear()
            message = self._memo[key] = Message(self, params)
        return message

    def __repr__(self) -> str:
        return f"Text({self.id!r})"

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickle by id: the registered Text of that id on the other side (traces can be pickled)."""
        return (text_for, (self.id,))


def text_for(message_id: str) -> Text:
    """Return the registered ``Text`` of ``message_id`` (declaring it if this process has not)."""
    return CATALOG.get(message_id) or Text(message_id)


def _constant(template: str) -> Callable[[Mapping[str, Any]], str]:
    """The renderer of a template without placeholders: the template itself."""

    def render(params: Mapping[str, Any]) -> str:
        return template

    return render


def _compile(template: str) -> Callable[[Mapping[str, Any]], str]:
    """Return a function rendering ``template`` in English: the engine's hot path renders every step.

    Generated like ``speedups.fast_constructor`` does: plain string concatenation with a type test
    per placeholder instead of ``str.format_map`` over a converted copy of the parameters.
    """
    if not any(name is not None for _, name, _, _ in _FORMATTER.parse(template)):
        return _constant(template)
    lines, parts = ["def render(p):"], []
    for i, (literal, name, spec, conversion) in enumerate(_FORMATTER.parse(template)):
        if literal:
            parts.append(repr(literal))
        if name is None:
            continue
        if conversion or not name.isidentifier():
            raise ValueError(f"unsupported placeholder {{{name}!{conversion}}} in {template!r}")
        lines.append(f"    v{i} = p[{name!r}]")
        if spec:
            lines.append(f"    v{i} = format(v{i}, {spec!r})")
        else:
            lines += [
                f"    c = v{i}.__class__",
                "    if c is not str:",
                f"        if c is _Message: v{i} = v{i}._english or str(v{i})",
                f"        elif c is float or c is int: v{i} = _fmt(v{i})",
                f"        else: v{i} = _e(v{i})",
            ]
        parts.append(f"v{i}")
    lines.append("    return " + " + ".join(parts))
    namespace: dict[str, Any] = {"_e": lambda v: str(_english(v)), "_Message": Message, "_fmt": fmt}
    exec("\n".join(lines), namespace)  # generated from the template's own placeholders
    render: Callable[[Mapping[str, Any]], str] = namespace["render"]
    return render


# A reason that is AWS's own error string, shown verbatim in every language.
AWS_VERBATIM = Text("{aws}")
COMMA = Text(", ")  # list separators are messages too ("，" in Chinese)
SEMICOLON = Text("; ")


class Joined:
    """A list parameter joined with a separator other than ", " (itself a ``Text``)."""

    __slots__ = ("items", "sep")

    def __init__(self, items: tuple[Any, ...], sep: Text = SEMICOLON) -> None:
        self.items = items
        self.sep = sep

    def __str__(self) -> str:
        return self.sep.id.join(str(_english(v)) for v in self.items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Joined) and (other.items, other.sep.id) == (self.items, self.sep.id)

    __hash__ = None  # type: ignore[assignment]


def _english(value: Any) -> Any:
    cls = value.__class__
    if cls is str:
        return value
    if cls is Message:
        return str(value)
    if cls is int or cls is float:
        return fmt(value)
    if cls is list or cls is tuple:
        return ", ".join(str(_english(v)) for v in value)
    if cls is Joined:
        return str(value)
    return value


def _param_to_json(value: Any) -> Any:
    if isinstance(value, Message):
        return value.to_dict()
    if isinstance(value, Joined):
        return {"join": [_param_to_json(v) for v in value.items], "sep": value.sep.id}
    if isinstance(value, list | tuple):
        return [_param_to_json(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def text(value: str | Message | None) -> tuple[str | None, Message | None]:
    """Return ``(english, message)`` for a step field given as plain text or as a message."""
    if value.__class__ is Message:
        return value.text.english(value.params), value
    return value, None  # type: ignore[return-value]
