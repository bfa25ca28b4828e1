"""The values VTL templates handle, and how they print (§6.4); see ``vtl_sandbox``.

Templates see only: ``None``, booleans, numbers, strings, maps and lists (``VtlMap``/``VtlList`` for
JSON data, which print as AWS prints them), lazy ranges (``VtlRange``) and purpose-built wrappers
(``VtlObject`` subclasses, which declare the names they expose).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring_ascii
from typing import Any

from .vtl_bounds import MAX_OUTPUT_CHARS, RUN, VtlAbort, current_run


class VtlObject:
    """A purpose-built object templates see (``$input``, ``$util``): only the names it declares resolve."""

    VTL_PROPERTIES: frozenset[str] = frozenset()
    VTL_METHODS: frozenset[str] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.VTL_PROPERTIES | cls.VTL_METHODS:
            if name.startswith("_") or not name.isidentifier():
                raise TypeError(f"{cls.__name__} may not expose {name!r} to templates")

    def __str__(self) -> str:
        return ""

    def __format__(self, spec: str) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class VtlMap(dict[Any, Any]):
    """A JSON object as VTL prints it: Java map syntax ``{foo=bar}`` (AWS-recorded, §6.4)."""

    def __str__(self) -> str:
        return str_of(self)

    def __repr__(self) -> str:
        return render_text(self, _repr)


class VtlList(list[Any]):
    """A JSON array as VTL prints it: JSON (AWS-recorded, §6.4)."""

    def __str__(self) -> str:
        return str_of(self)

    def __repr__(self) -> str:
        return render_text(self, _repr)


class VtlRange:
    """``[a..b]``: inclusive, counting down when b < a, and lazy, so ``[1..100000000]`` allocates nothing."""

    __slots__ = ("numbers",)

    def __init__(self, first: int, last: int) -> None:
        step = -1 if last < first else 1
        self.numbers = range(first, last + step, step)

    def __len__(self) -> int:
        return len(self.numbers)

    def __iter__(self) -> Iterator[int]:
        return iter(self.numbers)

    def __getitem__(self, index: int) -> int:
        return self.numbers[index]

    def __contains__(self, value: object) -> bool:
        return value in self.numbers

    def __str__(self) -> str:
        return str_of(self)

    def __repr__(self) -> str:
        return str_of(self)


def to_vtl(value: Any) -> Any:
    """Copy JSON data into VtlMap/VtlList (recursing into containers only), charging its size."""
    run = current_run()

    def copy(item: Any) -> Any:
        if isinstance(item, dict):
            run.charge(len(item) + 1)
            return VtlMap({k: copy(v) if isinstance(v, dict | list) else charged(v) for k, v in item.items()})
        run.charge(len(item) + 1)
        return VtlList(copy(v) if isinstance(v, dict | list) else charged(v) for v in item)

    def charged(item: Any) -> Any:
        if isinstance(item, str):
            run.charge(len(item))
        return item

    return copy(value) if isinstance(value, dict | list) else charged(value)


# Text ---------------------------------------------------------------------------------------------
# airspeed printed values with value_to_string/str(): these functions give the same text for data
# (maps as {k=v}, JSON lists as JSON, template lists and maps as Python literals), never a Python
# object's repr, and stop as soon as the text outgrows a payload (a list may hold itself, or one
# big string a thousand times).


class _Writer:
    __slots__ = ("limit", "parts", "run", "size", "stack")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.limit = MAX_OUTPUT_CHARS
        self.stack: set[int] = set()
        self.run = current_run()

    def add(self, text: str) -> None:
        self.size += len(text)
        if self.size > self.limit:
            raise VtlAbort(f"a value prints longer than {MAX_OUTPUT_CHARS:,} characters")
        self.parts.append(text)
        if len(self.parts) % 512 == 0:
            self.run.check_time()

    def enter(self, value: Any) -> bool:
        if id(value) in self.stack:
            return False
        self.stack.add(id(value))
        return True


def render_text(value: Any, write: Callable[[_Writer, Any], None]) -> str:
    """Return the text ``write`` produces for ``value``; outside a render a broken bound is a ValueError."""
    writer = _Writer()
    try:
        write(writer, value)
        writer.run.charge(writer.size)
    except VtlAbort as exc:
        if RUN.get() is None:  # engine code printing a value: never let the BaseException out
            raise ValueError(exc.message) from None
        raise
    return "".join(writer.parts)


def to_text(value: Any) -> str:
    """Return what ``$value`` prints (airspeed's ``value_to_string``)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return render_text(value, _str)


def str_of(value: Any) -> str:
    """Return ``str(value)`` as airspeed's Python would for data, inertly for anything else."""
    return value if isinstance(value, str) else render_text(value, _str)


def _str(w: _Writer, value: Any) -> None:
    if isinstance(value, str):
        w.add(value)
    elif isinstance(value, VtlMap):
        _java_map(w, value)
    elif isinstance(value, VtlList):
        _json(w, value, ",", ":")
    elif isinstance(value, dict | list):
        _repr(w, value)
    elif isinstance(value, VtlRange):
        _range(w, value)
    elif value is None or isinstance(value, bool | int | float):
        w.add(str(value))
    # anything else (a wrapper such as $util) prints as nothing


def _repr(w: _Writer, value: Any) -> None:
    if isinstance(value, dict):
        if not w.enter(value):
            w.add("{...}")
            return
        w.add("{")
        for i, (key, item) in enumerate(value.items()):
            w.add(", " if i else "")
            _repr(w, key)
            w.add(": ")
            _repr(w, item)
        w.add("}")
        w.stack.discard(id(value))
    elif isinstance(value, list):
        if not w.enter(value):
            w.add("[...]")
            return
        w.add("[")
        for i, item in enumerate(value):
            w.add(", " if i else "")
            _repr(w, item)
        w.add("]")
        w.stack.discard(id(value))
    elif isinstance(value, VtlRange):
        _range(w, value)
    elif value is None or isinstance(value, str | bool | int | float):
        w.add(repr(value))


def _java_map(w: _Writer, value: dict[Any, Any]) -> None:
    if not w.enter(value):
        w.add("(this Map)")
        return
    w.add("{")
    for i, (key, item) in enumerate(value.items()):
        w.add(", " if i else "")
        _str(w, key)
        w.add("=")
        _str(w, item)
    w.add("}")
    w.stack.discard(id(value))


def _range(w: _Writer, value: VtlRange) -> None:
    w.add("[")
    for i, number in enumerate(value):
        w.add(f", {number}" if i else str(number))
    w.add("]")


def _json_key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, int | float):
        return _json_number(key)
    raise TypeError("JSON keys must be strings, numbers, booleans or null")


def _json_number(value: int | float) -> str:
    if isinstance(value, int):
        return int.__repr__(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _json(w: _Writer, value: Any, item_sep: str, key_sep: str) -> None:
    """Write ``json.dumps(value, separators=(item_sep, key_sep))``."""
    if isinstance(value, str):
        w.add(encode_basestring_ascii(value))
    elif value is None:
        w.add("null")
    elif isinstance(value, bool):
        w.add("true" if value else "false")
    elif isinstance(value, int | float):
        w.add(_json_number(value))
    elif isinstance(value, list | VtlRange):
        if not w.enter(value):
            raise ValueError("Circular reference detected")
        w.add("[")
        for i, item in enumerate(value):
            w.add(item_sep if i else "")
            _json(w, item, item_sep, key_sep)
        w.add("]")
        w.stack.discard(id(value))
    elif isinstance(value, dict):
        if not w.enter(value):
            raise ValueError("Circular reference detected")
        w.add("{")
        for i, (key, item) in enumerate(value.items()):
            w.add(item_sep if i else "")
            w.add(encode_basestring_ascii(_json_key(key)))
            w.add(key_sep)
            _json(w, item, item_sep, key_sep)
        w.add("}")
        w.stack.discard(id(value))
    else:
        raise TypeError("only strings, numbers, booleans, null, lists and maps print as JSON")


def json_text(value: Any, item_sep: str = ", ", key_sep: str = ": ") -> str:
    """Return ``json.dumps(value)`` within the bounds."""
    return render_text(value, lambda w, v: _json(w, v, item_sep, key_sep))


def java_map_text(mapping: dict[Any, Any]) -> str:
    """Return a map as Java prints it: ``{k=v}``."""
    return render_text(mapping, _java_map)
