"""What ``$a.b``, ``$a.b(...)``, ``$a[i]`` and the operators may do in a VTL template: an allow-list per
type (Java's String, List and Map methods, a wrapper's declared names), within the render's bounds."""

from __future__ import annotations

import inspect
import operator
import re
import types
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import regex
from airspeed import operators as ops

from .vtl_bounds import (
    JAVA_LONG,
    MAX_ITEMS,
    MAX_OUTPUT_CHARS,
    MAX_REGEX_CHARS,
    MAX_REGEX_REPEAT,
    MAX_REGEX_SECONDS,
    VtlAbort,
    bounded_string,
    check_items,
    current_run,
    need,
)
from .vtl_values import VtlMap, VtlObject, VtlRange, java_map_text, str_of

# Methods ------------------------------------------------------------------------------------------


_COUNTED_REPEAT = re.compile(r"\{(\d+)(?:,(\d*))?\}")


@lru_cache(maxsize=128)
def _pattern(pattern: str) -> regex.Pattern[str]:
    if len(pattern) > MAX_REGEX_CHARS:
        raise VtlAbort(f"a regular expression is longer than {MAX_REGEX_CHARS} characters")
    size = 1
    for match in _COUNTED_REPEAT.finditer(pattern):
        size *= max(int(match.group(2) or match.group(1)), 1)
        if size > MAX_REGEX_REPEAT:
            raise VtlAbort(f"a regular expression repeats more than {MAX_REGEX_REPEAT:,} times")
    return regex.compile(pattern)


_REGEX_TOO_SLOW = (
    f"a regular expression ran longer than {MAX_REGEX_SECONDS:g} s (or the template's time ran out)"
)


def _regex_timeout() -> float:
    return min(current_run().remaining(), MAX_REGEX_SECONDS)


def _replace_regex(text: str, pattern: str, replacement: str, count: int) -> str:
    """``re.sub`` (airspeed's replaceAll) with the render's time left and a bounded result."""
    compiled = _pattern(need(pattern, str, "a regular expression"))
    need(text, str, "a string")
    need(replacement, str, "a replacement string")
    produced = [len(text)]

    def expand(match: regex.Match[str]) -> str:
        out = str(match.expand(replacement))
        produced[0] += len(out)
        if produced[0] > MAX_OUTPUT_CHARS:
            raise VtlAbort(f"a string would be longer than {MAX_OUTPUT_CHARS:,} characters")
        return out

    try:
        result = compiled.sub(expand, text, count=count, timeout=_regex_timeout())
    except TimeoutError:
        raise VtlAbort(_REGEX_TOO_SLOW) from None
    return bounded_string(result)


def _matches(text: str, pattern: str) -> bool:
    try:
        return bool(
            _pattern(need(pattern, str, "a regular expression")).fullmatch(text, timeout=_regex_timeout())
        )
    except TimeoutError:
        raise VtlAbort(_REGEX_TOO_SLOW) from None


def _replace_text(text: str, old: str, new: str) -> str:
    need(old, str, "a string")
    need(new, str, "a string")
    count = len(text) + 1 if not old else text.count(old)
    if len(text) + count * (len(new) - len(old)) > MAX_OUTPUT_CHARS:
        raise VtlAbort(f"a string would be longer than {MAX_OUTPUT_CHARS:,} characters")
    return bounded_string(text.replace(old, new))


def _split(text: str, separator: str | None = None) -> list[str]:
    """Python's literal ``split`` (what airspeed exposed), at most ``MAX_ITEMS`` pieces."""
    if separator is not None:
        need(separator, str, "a separator string")
    pieces = text.split(separator, MAX_ITEMS)
    check_items(len(pieces))
    current_run().charge(len(text) + len(pieces))
    return pieces


_JAVA_SPACE = "".join(chr(c) for c in range(33))  # String.trim() removes code points <= U+0020

STRING_METHODS: dict[str, Callable[..., Any]] = {
    "length": lambda s: len(s),
    "isEmpty": lambda s: not s,
    "charAt": lambda s, i: s[need(i, int, "an index")],
    "contains": lambda s, x: need(x, str, "a string") in s,
    "startsWith": lambda s, x: s.startswith(need(x, str, "a string")),
    "endsWith": lambda s, x: s.endswith(need(x, str, "a string")),
    "indexOf": lambda s, x, start=0: s.find(need(x, str, "a string"), need(start, int, "an index")),
    "lastIndexOf": lambda s, x: s.rfind(need(x, str, "a string")),
    "substring": lambda s, start, end=None: bounded_string(
        s[need(start, int, "an index") : None if end is None else need(end, int, "an index")]
    ),
    "equals": lambda s, x: s == x,
    "equalsIgnoreCase": lambda s, x: isinstance(x, str) and s.lower() == x.lower(),
    "concat": lambda s, x: bounded_string(s + need(x, str, "a string")),
    "toLowerCase": lambda s: bounded_string(s.lower()),
    "toUpperCase": lambda s: bounded_string(s.upper()),
    "trim": lambda s: s.strip(_JAVA_SPACE),
    "toString": lambda s: s,
    "replace": _replace_text,
    "replaceAll": lambda s, pattern, repl: _replace_regex(s, pattern, repl, 0),
    "replaceFirst": lambda s, pattern, repl: _replace_regex(s, pattern, repl, 1),
    "matches": _matches,
    "split": _split,
}


def equals(left: Any, right: Any) -> bool:
    """``==`` for template values: Python's, but one step per compared item, so two equal lists
    nested 30 deep (2^30 items, built in 30 steps) stop at the step bound instead of running for hours."""
    run = current_run()

    def same(a: Any, b: Any) -> bool:
        run.tick()
        if a is b:
            return True
        if isinstance(a, list | VtlRange) and isinstance(b, list | VtlRange):
            return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=False))
        if isinstance(a, dict) and isinstance(b, dict):
            return len(a) == len(b) and all(k in b and same(v, b[k]) for k, v in a.items())
        if isinstance(a, list | VtlRange | dict) or isinstance(b, list | VtlRange | dict):
            return False
        return bool(a == b)

    return same(left, right)


def _list_add(items: list[Any], *args: Any) -> None:
    check_items(len(items) + 1)
    current_run().charge(1)
    if len(args) == 2:
        items.insert(need(args[0], int, "an index"), args[1])
    elif len(args) == 1:
        items.append(args[0])
    else:
        raise TypeError("add() takes a value, or an index and a value")


def _list_add_all(items: list[Any], more: Any) -> bool:
    need(more, list | VtlRange, "a list")
    check_items(len(items) + len(more))
    current_run().charge(len(more))
    items.extend(more)
    return True


def _list_set(items: list[Any], index: int, value: Any) -> Any:
    existing = items[need(index, int, "an index")]
    items[index] = value
    return existing


def _list_remove(items: list[Any], what: Any) -> Any:
    if isinstance(what, int) and not isinstance(what, bool):
        return items.pop(what)
    index = _index_of(items, what)
    if index >= 0:
        del items[index]
        return True
    return False


def _index_of(items: Any, value: Any) -> int:
    for i, item in enumerate(items):
        if equals(item, value):
            return i
    return -1


_READ_LIST_METHODS: dict[str, Callable[..., Any]] = {
    "size": lambda items: len(items),
    "isEmpty": lambda items: len(items) == 0,
    "get": lambda items, i: items[need(i, int, "an index")],
    "contains": lambda items, x: _index_of(items, x) >= 0,
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
        check_items(len(mapping) + 1)
        current_run().charge(1)
    mapping[key] = value
    return existing


def _map_put_all(mapping: dict[Any, Any], more: Any) -> None:
    need(more, dict, "a map")
    check_items(len(mapping) + len(more))
    current_run().charge(len(more))
    mapping.update(more)


MAP_METHODS: dict[str, Callable[..., Any]] = {
    "get": lambda m, k: m.get(k),
    "containsKey": lambda m, k: k in m,
    "containsValue": lambda m, v: any(equals(item, v) for item in m.values()),
    "isEmpty": lambda m: not m,
    "size": lambda m: len(m),
    "keySet": lambda m: list(m.keys()),
    "values": lambda m: list(m.values()),
    "entrySet": lambda m: [VtlMap(key=k, value=v) for k, v in m.items()],
    "put": _map_put,
    "putAll": _map_put_all,
    "remove": lambda m, k: m.pop(k, None),
    "toString": java_map_text,
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
            return value[need(key, int, "an integer index")]
        raise TypeError("only maps, lists and strings can be indexed")
    except (KeyError, IndexError, TypeError):
        if strict:
            raise
        return None


def set_index(target: Any, key: Any, value: Any) -> None:
    """``#set($target.key = value)`` / ``#set($target[key] = value)`` on a map or list."""
    if isinstance(target, dict) and not isinstance(target, ops.LocalNamespace):
        if key not in target:
            check_items(len(target) + 1)
            current_run().charge(1)
        target[key] = value
    elif isinstance(target, list):
        target[need(key, int, "an integer index")] = value
    else:
        raise TypeError("only maps and lists can be assigned to")


# Operators ----------------------------------------------------------------------------------------


def _number(value: Any) -> bool:
    return isinstance(value, int | float)


def _arithmetic(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(left: Any, right: Any) -> Any:
        current_run().tick()
        if not (_number(left) and _number(right)):
            raise TypeError("arithmetic needs two numbers")
        result = function(left, right)
        if isinstance(result, int) and not -JAVA_LONG <= result < JAVA_LONG:
            raise ArithmeticError("integer overflow (Java long)")
        return result

    return apply


def _add(left: Any, right: Any) -> Any:
    if isinstance(left, str) and isinstance(right, str):
        current_run().tick()
        return bounded_string(left + right)
    if isinstance(left, list) and isinstance(right, list):
        current_run().tick()
        check_items(len(left) + len(right))
        current_run().charge(len(left) + len(right))
        return left + right
    return _arithmetic(operator.add)(left, right)


def _order(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(left: Any, right: Any) -> Any:
        current_run().tick()
        if not ((_number(left) and _number(right)) or (isinstance(left, str) and isinstance(right, str))):
            raise TypeError("only two numbers or two strings can be ordered")
        return function(left, right)

    return apply


def _logic(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(left: Any, right: Any) -> Any:
        current_run().tick()
        return function(left, right)

    return apply


_SAFE_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": _add,
    "-": _arithmetic(operator.sub),
    "*": _arithmetic(operator.mul),
    "/": _arithmetic(operator.floordiv),
    "%": _arithmetic(operator.mod),
    **dict.fromkeys(("==", "eq"), equals),
    **dict.fromkeys(("!=", "ne"), lambda left, right: not equals(left, right)),
    **{op: _order(ops.BinaryOperator.OPERATORS[op]) for op in (">", "gt", ">=", "ge", "<", "lt", "<=", "le")},
    **{op: _logic(ops.BinaryOperator.OPERATORS[op]) for op in ("||", "or", "&&", "and")},
}
# airspeed stores the operator function on each parsed node; map each one to its safe twin.
SAFE_BY_FUNCTION = {id(ops.BinaryOperator.OPERATORS[op]): safe for op, safe in _SAFE_OPERATORS.items()}
