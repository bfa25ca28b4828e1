"""A sandbox for VTL mapping templates: airspeed parses, the sandbox decides what a template may touch.

airspeed evaluates ``$a.b`` with Python item lookup and ``getattr``, so a template could walk from any
value to its class, module and globals and run code (issue 16). After airspeed has parsed a template,
``compile_template`` swaps the classes of the nodes that resolve names, index values, call macros,
loop, assign and print for the subclasses below, and refuses any node it does not know (fail closed).
Evaluation then follows an allow-list per type:

- ``$a.b`` reads a key of a map, or a property a wrapper declares (``VtlObject.VTL_PROPERTIES``);
- ``$a.b(...)`` calls only the Java-style methods listed in ``STRING_METHODS``, ``LIST_METHODS``,
  ``MAP_METHODS`` and a wrapper's ``VTL_METHODS``; never a name starting with ``_``;
- operators work on numbers (and ``+`` on two strings or two lists): no ``'%s' % x``, no ``'a' * n``;
- nothing ever prints a Python object: values turn into text the way they did under airspeed for plain
  data (strings, numbers, maps, lists), and wrappers print as nothing.

Every render has bounds (issue 16, §5.1): ``MAX_FOREACH`` iterations per ``#foreach`` (more items stop
the loop, as Velocity's ``directive.foreach.maxloops`` does), ``MAX_STEPS`` evaluation steps,
``MAX_SECONDS`` of wall-clock time, ``MAX_OUTPUT_CHARS`` per string, ``MAX_WORK_CHARS`` of text created
in all, ``MAX_DEPTH`` nested macro/``#define``/``#evaluate`` calls and ``MAX_TEMPLATE_CHARS`` of template
text. Ranges such as ``[1..100000000]`` stay lazy. Breaking a bound raises ``VtlError``.

The per-render state lives in a ``ContextVar``, so threads (the live gateway) render concurrently on
the same cached parse trees, which evaluation never changes.
"""

from __future__ import annotations

import contextvars
import inspect
import itertools
import math
import operator
import re
import time
import types
from collections.abc import Callable, Iterator
from functools import lru_cache
from json.encoder import encode_basestring_ascii
from typing import Any

import airspeed
import regex
from airspeed import operators as ops

MAX_TEMPLATE_CHARS = 300 * 1024  # AWS quota "mapping template size": 300 KB
MAX_EVALUATE_CHARS = 16 * 1024  # text one #evaluate may parse (parsing cannot be interrupted)
MAX_FOREACH = 1000  # §5.1: #foreach iterations in a mapping template
MAX_OUTPUT_CHARS = 10 * 1024 * 1024  # §5.1: 10 MB payload, the most a template may produce
MAX_WORK_CHARS = 32 * 1024 * 1024  # characters (and list items) one render may create in all
MAX_STEPS = 1_000_000  # references, operators, assignments and loop iterations per render
MAX_SECONDS = 1.0  # wall-clock time per render
MAX_DEPTH = 20  # nested macro, #define and #evaluate calls (Velocity's velocimacro.max.depth)
MAX_ITEMS = 100_000  # items in one list or map
MAX_REGEX_CHARS = 1000  # length of a replaceAll/matches/replaceFirst pattern
MAX_REGEX_SECONDS = 0.2  # per regex call: the regex module notices its timeout late, up to ~3x
JAVA_LONG = 2**63  # integer arithmetic stays within Java's long


class VtlError(Exception):
    """A template that does not parse, fails, or breaks a bound; the message says which and where."""


class VtlAbort(BaseException):
    """A bound was hit: unwinds through airspeed, whose nodes catch and wrap every ``Exception``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Run:
    """The budget of one render."""

    __slots__ = ("deadline", "depth", "steps", "work")

    def __init__(self) -> None:
        self.deadline = time.monotonic() + MAX_SECONDS
        self.steps = 0
        self.work = 0
        self.depth = 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise VtlAbort(f"the template needs more than {MAX_STEPS:,} steps")
        self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise VtlAbort(f"the template ran longer than {MAX_SECONDS:g} s")

    def remaining(self) -> float:
        return max(self.deadline - time.monotonic(), 0.001)

    def charge(self, chars: int) -> None:
        self.work += chars
        if self.work > MAX_WORK_CHARS:
            raise VtlAbort(f"the template created more than {MAX_WORK_CHARS:,} characters")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise VtlAbort(f"macros, #define and #evaluate nest deeper than {MAX_DEPTH} calls")

    def leave(self) -> None:
        self.depth -= 1


_RUN: contextvars.ContextVar[_Run | None] = contextvars.ContextVar("vtl_run", default=None)


def _run() -> _Run:
    # Outside a render (engine code printing a VtlMap) a throwaway budget still bounds the work.
    return _RUN.get() or _Run()


def _string(value: str) -> str:
    """Charge a string a template created; refuse one longer than a payload."""
    if len(value) > MAX_OUTPUT_CHARS:
        raise VtlAbort(f"a string would be longer than {MAX_OUTPUT_CHARS:,} characters")
    _run().charge(len(value))
    return value


def _items(count: int) -> None:
    if count > MAX_ITEMS:
        raise VtlAbort(f"a list or map would hold more than {MAX_ITEMS:,} items")


# Values -------------------------------------------------------------------------------------------


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
        return _render_text(self, _repr)


class VtlList(list[Any]):
    """A JSON array as VTL prints it: JSON (AWS-recorded, §6.4)."""

    def __str__(self) -> str:
        return str_of(self)

    def __repr__(self) -> str:
        return _render_text(self, _repr)


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
    run = _run()

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
        self.run = _run()

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


def _render_text(value: Any, write: Callable[[_Writer, Any], None]) -> str:
    writer = _Writer()
    write(writer, value)
    writer.run.charge(writer.size)
    return "".join(writer.parts)


def to_text(value: Any) -> str:
    """Return what ``$value`` prints (airspeed's ``value_to_string``)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return _render_text(value, _str)


def str_of(value: Any) -> str:
    """Return ``str(value)`` as airspeed's Python would for data, inertly for anything else."""
    return value if isinstance(value, str) else _render_text(value, _str)


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
    return _render_text(value, lambda w, v: _json(w, v, item_sep, key_sep))


# Methods ------------------------------------------------------------------------------------------


def _need(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"expected {what}")
    return value


@lru_cache(maxsize=128)
def _pattern(pattern: str) -> regex.Pattern[str]:
    if len(pattern) > MAX_REGEX_CHARS:
        raise VtlAbort(f"a regular expression is longer than {MAX_REGEX_CHARS} characters")
    return regex.compile(pattern)


def _regex_timeout() -> float:
    return min(_run().remaining(), MAX_REGEX_SECONDS)


def _replace_regex(text: str, pattern: str, replacement: str, count: int) -> str:
    """``re.sub`` (airspeed's replaceAll) with the render's time left and a bounded result."""
    compiled = _pattern(_need(pattern, str, "a regular expression"))
    _need(text, str, "a string")
    _need(replacement, str, "a replacement string")
    produced = [len(text)]

    def expand(match: regex.Match[str]) -> str:
        out = match.expand(replacement)
        produced[0] += len(out)
        if produced[0] > MAX_OUTPUT_CHARS:
            raise VtlAbort(f"a string would be longer than {MAX_OUTPUT_CHARS:,} characters")
        return out

    try:
        result = compiled.sub(expand, text, count=count, timeout=_regex_timeout())
    except TimeoutError:
        raise VtlAbort(f"the template ran longer than {MAX_SECONDS:g} s (regular expression)") from None
    return _string(result)


def _matches(text: str, pattern: str) -> bool:
    try:
        return bool(
            _pattern(_need(pattern, str, "a regular expression")).fullmatch(text, timeout=_regex_timeout())
        )
    except TimeoutError:
        raise VtlAbort(f"the template ran longer than {MAX_SECONDS:g} s (regular expression)") from None


def _replace_text(text: str, old: str, new: str) -> str:
    _need(old, str, "a string")
    _need(new, str, "a string")
    count = len(text) + 1 if not old else text.count(old)
    if len(text) + count * (len(new) - len(old)) > MAX_OUTPUT_CHARS:
        raise VtlAbort(f"a string would be longer than {MAX_OUTPUT_CHARS:,} characters")
    return _string(text.replace(old, new))


def _split(text: str, separator: str | None = None) -> list[str]:
    """Python's literal ``split`` (what airspeed exposed), at most ``MAX_ITEMS`` pieces."""
    if separator is not None:
        _need(separator, str, "a separator string")
    pieces = text.split(separator, MAX_ITEMS)
    _items(len(pieces))
    _run().charge(len(text) + len(pieces))
    return pieces


_JAVA_SPACE = "".join(chr(c) for c in range(33))  # String.trim() removes code points <= U+0020

STRING_METHODS: dict[str, Callable[..., Any]] = {
    "length": lambda s: len(s),
    "isEmpty": lambda s: not s,
    "charAt": lambda s, i: s[_need(i, int, "an index")],
    "contains": lambda s, x: _need(x, str, "a string") in s,
    "startsWith": lambda s, x: s.startswith(_need(x, str, "a string")),
    "endsWith": lambda s, x: s.endswith(_need(x, str, "a string")),
    "indexOf": lambda s, x, start=0: s.find(_need(x, str, "a string"), _need(start, int, "an index")),
    "lastIndexOf": lambda s, x: s.rfind(_need(x, str, "a string")),
    "substring": lambda s, start, end=None: _string(
        s[_need(start, int, "an index") : None if end is None else _need(end, int, "an index")]
    ),
    "equals": lambda s, x: s == x,
    "equalsIgnoreCase": lambda s, x: isinstance(x, str) and s.lower() == x.lower(),
    "concat": lambda s, x: _string(s + _need(x, str, "a string")),
    "toLowerCase": lambda s: _string(s.lower()),
    "toUpperCase": lambda s: _string(s.upper()),
    "trim": lambda s: s.strip(_JAVA_SPACE),
    "toString": lambda s: s,
    "replace": _replace_text,
    "replaceAll": lambda s, pattern, repl: _replace_regex(s, pattern, repl, 0),
    "replaceFirst": lambda s, pattern, repl: _replace_regex(s, pattern, repl, 1),
    "matches": _matches,
    "split": _split,
}


def _list_add(items: list[Any], *args: Any) -> None:
    _items(len(items) + 1)
    _run().charge(1)
    if len(args) == 2:
        items.insert(_need(args[0], int, "an index"), args[1])
    elif len(args) == 1:
        items.append(args[0])
    else:
        raise TypeError("add() takes a value, or an index and a value")


def _list_add_all(items: list[Any], more: Any) -> bool:
    _need(more, list | VtlRange, "a list")
    _items(len(items) + len(more))
    _run().charge(len(more))
    items.extend(more)
    return True


def _list_set(items: list[Any], index: int, value: Any) -> Any:
    existing = items[_need(index, int, "an index")]
    items[index] = value
    return existing


def _list_remove(items: list[Any], what: Any) -> Any:
    if isinstance(what, int) and not isinstance(what, bool):
        return items.pop(what)
    if what in items:
        items.remove(what)
        return True
    return False


def _index_of(items: Any, value: Any) -> int:
    for i, item in enumerate(items):
        if item == value:
            return i
    return -1


_READ_LIST_METHODS: dict[str, Callable[..., Any]] = {
    "size": lambda items: len(items),
    "isEmpty": lambda items: len(items) == 0,
    "get": lambda items, i: items[_need(i, int, "an index")],
    "contains": lambda items, x: x in items,
    "indexOf": _index_of,
    "toString": str_of,
}
LIST_METHODS: dict[str, Callable[..., Any]] = {
    **_READ_LIST_METHODS,
    "add": _list_add,
    "addAll": _list_add_all,
    "set": _list_set,
    "remove": _list_remove,
}


def _map_put(mapping: dict[Any, Any], key: Any, value: Any) -> Any:
    existing = mapping.get(key)
    if key not in mapping:
        _items(len(mapping) + 1)
        _run().charge(1)
    mapping[key] = value
    return existing


def _map_put_all(mapping: dict[Any, Any], more: Any) -> None:
    _need(more, dict, "a map")
    _items(len(mapping) + len(more))
    _run().charge(len(more))
    mapping.update(more)


def _java_map_text(mapping: dict[Any, Any]) -> str:
    return _render_text(mapping, _java_map)


MAP_METHODS: dict[str, Callable[..., Any]] = {
    "get": lambda m, k: m.get(k),
    "containsKey": lambda m, k: k in m,
    "containsValue": lambda m, v: any(item == v for item in m.values()),
    "isEmpty": lambda m: not m,
    "size": lambda m: len(m),
    "keySet": lambda m: list(m.keys()),
    "values": lambda m: list(m.values()),
    "entrySet": lambda m: [VtlMap(key=k, value=v) for k, v in m.items()],
    "put": _map_put,
    "putAll": _map_put_all,
    "remove": lambda m, k: m.pop(k, None),
    "toString": _java_map_text,
}


@lru_cache(maxsize=256)
def _signature(function: Callable[..., Any]) -> inspect.Signature:
    return inspect.signature(function)


def _call(name: str, function: Callable[..., Any], *args: Any) -> Any:
    if isinstance(function, types.MethodType):
        target, bound = function.__func__, (function.__self__, *args)
    else:
        target, bound = function, args
    try:
        _signature(target).bind(*bound)
    except TypeError:
        raise TypeError(f"wrong number of arguments for {name}()") from None
    return function(*args)


def get_member(value: Any, name: str) -> Any:
    """``$value.name``: a map's key, or a property a wrapper declares; anything else is null."""
    if isinstance(value, dict):
        try:
            return value.get(name)
        except TypeError:
            return None
    if isinstance(value, VtlObject) and name in type(value).VTL_PROPERTIES:
        return getattr(value, name)
    return None


def call_member(value: Any, name: str, args: list[Any]) -> Any:
    """``$value.name(args)``: a method on the allow-list of the value's type; anything else is null."""
    if name.startswith("_"):
        return None
    if isinstance(value, str):
        table = STRING_METHODS
    elif isinstance(value, list):
        table = LIST_METHODS
    elif isinstance(value, VtlRange):
        table = _READ_LIST_METHODS
    elif isinstance(value, dict):
        table = MAP_METHODS
    elif isinstance(value, VtlObject):
        if name not in type(value).VTL_METHODS:
            return None
        return _call(name, getattr(value, name), *args)
    else:
        return None
    function = table.get(name)
    return None if function is None else _call(name, function, value, *args)


def get_index(value: Any, key: Any, *, strict: bool) -> Any:
    """``$value[key]`` on a map, list, range or string."""
    try:
        if isinstance(value, dict):
            return value[key]
        if isinstance(value, list | VtlRange | str):
            return value[_need(key, int, "an integer index")]
        raise TypeError("only maps, lists and strings can be indexed")
    except (KeyError, IndexError, TypeError):
        if strict:
            raise
        return None


def set_index(target: Any, key: Any, value: Any) -> None:
    """``#set($target.key = value)`` / ``#set($target[key] = value)`` on a map or list."""
    if isinstance(target, dict) and not isinstance(target, ops.LocalNamespace):
        if key not in target:
            _items(len(target) + 1)
            _run().charge(1)
        target[key] = value
    elif isinstance(target, list):
        target[_need(key, int, "an integer index")] = value
    else:
        raise TypeError("only maps and lists can be assigned to")


# Operators ----------------------------------------------------------------------------------------


def _number(value: Any) -> bool:
    return isinstance(value, int | float)


def _arithmetic(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(left: Any, right: Any) -> Any:
        _run().tick()
        if not (_number(left) and _number(right)):
            raise TypeError("arithmetic needs two numbers")
        result = function(left, right)
        if isinstance(result, int) and not -JAVA_LONG <= result < JAVA_LONG:
            raise ArithmeticError("integer overflow (Java long)")
        return result

    return apply


def _add(left: Any, right: Any) -> Any:
    if isinstance(left, str) and isinstance(right, str):
        _run().tick()
        return _string(left + right)
    if isinstance(left, list) and isinstance(right, list):
        _run().tick()
        _items(len(left) + len(right))
        _run().charge(len(left) + len(right))
        return left + right
    return _arithmetic(operator.add)(left, right)


def _compare(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(left: Any, right: Any) -> Any:
        _run().tick()
        return function(left, right)

    return apply


_SAFE_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": _add,
    "-": _arithmetic(operator.sub),
    "*": _arithmetic(operator.mul),
    "/": _arithmetic(operator.floordiv),
    "%": _arithmetic(operator.mod),
    **{op: _compare(ops.BinaryOperator.OPERATORS[op]) for op in ("==", "eq", "!=", "ne")},
    **{
        op: _compare(ops.BinaryOperator.OPERATORS[op])
        for op in (">", "gt", ">=", "ge", "<", "lt", "<=", "le")
    },
    **{op: _compare(ops.BinaryOperator.OPERATORS[op]) for op in ("||", "or", "&&", "and")},
}
# airspeed stores the operator function on each parsed node; map each one to its safe twin.
_SAFE_BY_FUNCTION = {id(ops.BinaryOperator.OPERATORS[op]): safe for op, safe in _SAFE_OPERATORS.items()}


# Parse-tree nodes ---------------------------------------------------------------------------------


class BoundedStream(ops.StoppableStream):
    """Template output, refused beyond ``MAX_OUTPUT_CHARS``."""

    def __init__(self) -> None:
        super().__init__()
        self.size = 0

    def write(self, s: str) -> int:  # type: ignore[override]
        if self.stop:
            return 0
        self.size += len(s)
        if self.size > MAX_OUTPUT_CHARS:
            raise VtlAbort(f"the text is longer than {MAX_OUTPUT_CHARS:,} characters")
        return super().write(s) or 0


class _NameOrCall(ops.NameOrCall):
    def calculate(self, current_object: Any, loader: Any, top_namespace: Any) -> Any:
        run = _run()
        run.tick()
        if isinstance(current_object, ops.LocalNamespace):  # a variable: $name
            try:
                result = current_object[self.name]
            except KeyError:
                result = None
            if isinstance(result, ops._FunctionDefinition):
                return self._execute(result, loader, top_namespace)
            if self.parameters is not None and result is not None:
                raise TypeError(f"${self.name} is not a method")
        elif self.parameters is not None:
            return call_member(current_object, self.name, self.parameters.calculate(top_namespace, loader))
        else:
            result = get_member(current_object, self.name)
        if result is None or self.index is None:
            return result
        index = self.index.calculate(top_namespace, loader)
        if isinstance(result, list) and not (isinstance(index, int) and not isinstance(index, bool)):
            raise ValueError(f"expected integer for array index, got '{str_of(index)}'")
        return get_index(result, index, strict=False)

    def _execute(self, function: ops._FunctionDefinition, loader: Any, namespace: Any) -> str:
        params = self.parameters.calculate(namespace, loader) if self.parameters is not None else []
        stream = BoundedStream()
        run = _run()
        run.enter()
        try:
            function.execute_function(stream, namespace, params, loader)
        finally:
            run.leave()
        text = stream.getvalue()
        if isinstance(function, ops.DefineDefinition) and self.parameters is not None and not params:
            text += self.parameters.my_text()  # airspeed's AWS parity: an empty list prints verbatim
        return _string(text)


class _SubExpression(ops.SubExpression):
    def calculate(self, current_object: Any, loader: Any, global_namespace: Any) -> Any:
        if not isinstance(self.expression, ops.ArrayIndex):
            return self.expression.calculate(current_object, loader, global_namespace)
        _run().tick()
        index = self.expression.calculate(current_object, loader)  # airspeed's scoping, kept
        result = get_index(current_object, index, strict=True)
        if self.subexpression:
            result = self.subexpression.calculate(result, loader, global_namespace)
        return result


class _FormalReference(ops.FormalReference):
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        value = None
        if self.expression is not None:
            value = self.expression.calculate(namespace, loader)
        if isinstance(value, str) and value == ops.REPLACE_FORMAL_TEXT:
            value = self.my_text()
        elif value is None:
            if self.alternate is not None:
                value = self.alternate.calculate(namespace, loader) or ""
            elif self.silent and self.expression is not None:
                value = ""
            else:
                value = self.my_text()
        stream.write(to_text(value))


class _InterpolatedStringLiteral(ops.InterpolatedStringLiteral):
    def calculate(self, namespace: Any, loader: Any) -> str:
        output = BoundedStream()
        self.block.evaluate(output, namespace, loader)
        return _string(output.getvalue())


class _Range(ops.Range):
    def calculate(self, namespace: Any, loader: Any) -> VtlRange:
        first = self.value1.calculate(namespace, loader)
        last = self.value2.calculate(namespace, loader)
        for bound in (first, last):
            _need(bound, int, "integer range bounds")
        return VtlRange(first, last)


class _Assignment(ops.Assignment):
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        _run().tick()
        value = self.value.calculate(namespace, loader)
        if not self.terms:
            namespace.set_inherited(self.root_term, value)
            return
        target = namespace[self.root_term]
        for term in self.terms[:-1]:
            target = get_index(target, term.calculate(namespace, loader), strict=True)
        set_index(target, self.terms[-1].calculate(namespace, loader), value)


class _ForeachDirective(ops.ForeachDirective):
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        run = _run()
        iterable = self.value.calculate(namespace, loader)
        if iterable is None:
            return
        if isinstance(iterable, dict):
            iterable = list(iterable.keys())
        elif not isinstance(iterable, list | VtlRange | str):
            raise ValueError(f"value for ${self.loop_var_name} is not iterable in #foreach")
        length = len(iterable)
        # §5.1: at most MAX_FOREACH iterations; like Velocity's directive.foreach.maxloops the loop stops.
        for counter, item in enumerate(itertools.islice(iterable, MAX_FOREACH), start=1):
            run.tick()
            local = ops.LocalNamespace(namespace)
            local["velocityCount"] = counter
            local["velocityHasNext"] = counter < length
            local["foreach"] = {
                "count": counter,
                "index": counter - 1,
                "hasNext": counter < length,
                "first": counter == 1,
                "last": counter == length,
            }
            local[self.loop_var_name] = item
            self.block.evaluate(stream, local, loader)


class _MacroCall(ops.MacroCall):
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        run = _run()
        run.tick()
        try:
            macro = namespace["#" + self.macro_name]
        except KeyError:
            raise NameError(f"no such macro: {self.macro_name}") from None
        args = [arg.calculate(namespace, loader) for arg in self.args]
        run.enter()
        try:
            macro.execute_function(stream, namespace, args, loader)
        finally:
            run.leave()


class _EvaluateDirective(ops.EvaluateDirective):
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        run = _run()
        run.tick()
        text = _need(self.value.calculate(namespace, loader), str, "a string to #evaluate")
        if len(text) > MAX_EVALUATE_CHARS:
            raise VtlAbort(f"#evaluate takes at most {MAX_EVALUATE_CHARS:,} characters")
        root = compile_template(text)
        run.enter()
        try:
            root.evaluate(stream, namespace, loader)
        finally:
            run.leave()


class _ReturnDirective(ops.ReturnDirective):
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        value = self.value.calculate(namespace, loader)
        text = None
        if isinstance(value, dict):
            try:
                text = json_text(value)
            except (TypeError, ValueError):
                text = None
        stream.write(str_of(value) if text is None else text)


class _Unavailable(ops._Element):
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        raise airspeed.TemplateError("#include and #parse are not available in mapping templates")


class _IncludeDirective(_Unavailable, ops.IncludeDirective):
    pass


class _ParseDirective(_Unavailable, ops.ParseDirective):
    pass


_SWAP: dict[type, type] = {
    ops.NameOrCall: _NameOrCall,
    ops.SubExpression: _SubExpression,
    ops.FormalReference: _FormalReference,
    ops.InterpolatedStringLiteral: _InterpolatedStringLiteral,
    ops.Range: _Range,
    ops.Assignment: _Assignment,
    ops.ForeachDirective: _ForeachDirective,
    ops.MacroCall: _MacroCall,
    ops.EvaluateDirective: _EvaluateDirective,
    ops.ReturnDirective: _ReturnDirective,
    ops.IncludeDirective: _IncludeDirective,
    ops.ParseDirective: _ParseDirective,
}
# Nodes that only hold literals or structure, or delegate to their (swapped) children.
_AS_IS: frozenset[type] = frozenset(
    {
        ops.TemplateBody, ops.Block, ops.Text, ops.FallthroughHashText, ops.Comment,
        ops.NullLiteral, ops.IntegerLiteral, ops.FloatingPointLiteral, ops.BooleanLiteral, ops.StringLiteral,
        ops.ValueList, ops.ArrayLiteral, ops.DictionaryLiteral, ops.Value, ops.VariableExpression,
        ops.ParameterList, ops.ArrayIndex, ops.AlternateValue, ops.BinaryOperator, ops.UnaryOperatorValue,
        ops.Expression, ops.ParenthesizedExpression, ops.Condition, ops.End, ops.ElseBlock,
        ops.ElseifBlock, ops.IfDirective, ops.DotDictAccessTerm, ops.BracketedValueTerm, ops.AssignmentTerm,
        ops.SetDirective, ops.MacroDefinition, ops.DefineDefinition, ops.StopDirective,
    }
)  # fmt: skip
_KNOWN = _AS_IS | frozenset(_SWAP.values())


def _children(value: Any) -> Iterator[Any]:
    if isinstance(value, ops._Element):
        yield value
    elif isinstance(value, types.MethodType) and isinstance(value.__self__, ops._Element):
        yield value.__self__
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _children(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _children(key)
            yield from _children(item)


def _sandbox(root: ops._Element) -> None:
    """Swap every node of a parse tree for its sandboxed class; refuse a node of an unknown kind."""
    nodes: list[ops._Element] = []
    seen: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        node.__class__ = _SWAP.get(type(node), type(node))
        if type(node) not in _KNOWN:
            raise VtlError(f"unsupported template element {type(node).__name__}")
        if isinstance(node, ops.BinaryOperator):
            node.apply_to = _SAFE_BY_FUNCTION[id(node.apply_to)]
        for value in vars(node).values():
            pending.extend(_children(value))
    # Parsing stored some methods on instances (``self.calculate = self.values.calculate``): rebind
    # them to the swapped classes.
    for node in nodes:
        for name, value in list(vars(node).items()):
            if isinstance(value, types.MethodType) and isinstance(value.__self__, ops._Element):
                setattr(node, name, getattr(value.__self__, value.__func__.__name__))


# Parsing cannot be interrupted from outside, and takes about 10 µs per element: a 300 KB template
# of references parses in seconds. Every token is matched by one of airspeed's class-level patterns,
# so a proxy in front of each checks the parse deadline (set only while the sandbox parses).
_PARSE_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("vtl_parse", default=None)
MAX_PARSE_SECONDS = MAX_SECONDS


class _TimedPattern:
    """A compiled airspeed pattern whose ``match`` first checks the parse deadline."""

    __slots__ = ("compiled", "groups")

    def __init__(self, compiled: re.Pattern[str]) -> None:
        self.compiled = compiled
        self.groups = compiled.groups

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        deadline = _PARSE_DEADLINE.get()
        if deadline is not None and time.monotonic() > deadline:
            raise VtlAbort(f"the template takes longer than {MAX_PARSE_SECONDS:g} s to parse")
        return self.compiled.match(text, pos)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled, name)


def _time_patterns() -> None:
    for owner in (ops, *(c for c in vars(ops).values() if isinstance(c, type))):
        for name, value in list(vars(owner).items()):
            if isinstance(value, re.Pattern):
                setattr(owner, name, _TimedPattern(value))


_time_patterns()


@lru_cache(maxsize=256)
def _compiled(template: str) -> tuple[ops.TemplateBody | None, str]:
    """Parse and sandbox a template once (parsing costs more than rendering); failures are cached too,
    except running out of time (``VtlAbort`` passes through ``lru_cache`` uncached)."""
    if len(template) > MAX_TEMPLATE_CHARS:
        return None, f"the template is longer than {MAX_TEMPLATE_CHARS:,} characters"
    run = _RUN.get()  # #evaluate parses within the render's own time
    deadline = run.deadline if run is not None else time.monotonic() + MAX_PARSE_SECONDS
    token = _PARSE_DEADLINE.set(deadline)
    try:
        root = ops.TemplateBody("<string>", template)
        _sandbox(root)
    except airspeed.TemplateSyntaxError as exc:
        return None, str(exc)
    except RecursionError:
        return None, "the template nests too deeply"
    except VtlError as exc:
        return None, str(exc)
    except Exception as exc:  # e.g. an integer literal with more digits than Python converts
        return None, f"{type(exc).__name__}: {_short(str(exc))}"
    finally:
        _PARSE_DEADLINE.reset(token)
    return root, ""


def compile_template(template: str) -> ops.TemplateBody:
    """Return the sandboxed parse tree of ``template``, or raise ``VtlError``."""
    try:
        root, problem = _compiled(template)
    except VtlAbort as exc:
        raise VtlError(exc.message) from None
    if root is None:
        raise VtlError(problem)
    return root


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def render(template: str, namespace: dict[str, Any]) -> str:
    """Render ``template`` with the variables in ``namespace`` inside the sandbox and its bounds."""
    root = compile_template(template)
    run = _Run()
    token = _RUN.set(run)
    stream = BoundedStream()
    try:
        root.evaluate(stream, namespace, ops.NullLoader())
    except VtlAbort as exc:
        raise VtlError(exc.message) from None
    except airspeed.TemplateExecutionError as exc:
        cause = exc.__cause__
        if isinstance(cause, RecursionError):
            raise VtlError("the template nests too deeply") from None
        raise VtlError(
            f"Error in template at position {exc.start}-{exc.end} in expression: "
            f"{_short(exc.element.my_text(), 120)}\n{type(cause).__name__}: {_short(str(cause))}"
        ) from None
    except airspeed.TemplateError as exc:
        raise VtlError(_short(str(exc))) from None
    except RecursionError:
        raise VtlError("the template nests too deeply") from None
    finally:
        _RUN.reset(token)
    return stream.getvalue()
