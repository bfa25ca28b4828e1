"""A sandbox for VTL mapping templates: airspeed parses, the sandbox decides what a template may touch.

airspeed evaluates ``$a.b`` with Python item lookup and ``getattr``, so a template could walk from any
value to its class, module and globals and run code (issue 16). After airspeed has parsed a template,
``compile_template`` swaps the classes of the nodes that resolve names, index values, call macros,
loop, assign and print for the subclasses below, and refuses any node it does not know (fail closed).
Evaluation then follows an allow-list per type:

- ``$a.b`` reads a key of a map, or a property a wrapper declares (``VtlObject.VTL_PROPERTIES``);
- ``$a.b(...)`` calls only the Java-style methods listed in ``vtl_methods`` (``STRING_METHODS``,
  ``LIST_METHODS``, ``MAP_METHODS``) and a wrapper's ``VTL_METHODS``; never a name starting with ``_``;
- operators work on numbers (and ``+`` on two strings or two lists): no ``'%s' % x``, no ``'a' * n``;
- nothing ever prints a Python object: values turn into text the way they did under airspeed for plain
  data (strings, numbers, maps, lists), and wrappers print as nothing.

Every render has bounds (issue 16, §5.1): ``MAX_FOREACH`` iterations per ``#foreach`` (more items stop
the loop, as Velocity's ``directive.foreach.maxloops`` does), ``MAX_STEPS`` evaluation steps,
``MAX_SECONDS`` of wall-clock time, ``MAX_OUTPUT_CHARS`` per string, ``MAX_WORK_CHARS`` of text created
in all, ``MAX_DEPTH`` nested macro/``#define``/``#evaluate`` calls and ``MAX_TEMPLATE_CHARS`` of template
text (``vtl_bounds``). Ranges such as ``[1..100000000]`` stay lazy. Breaking a bound, like any template
error, raises ``VtlError`` with a message; ``mapping.render`` reports it as a configuration error.

The per-render state lives in a ``ContextVar``, so threads (the live gateway) render concurrently on
the same cached parse trees, which evaluation never changes.
"""

from __future__ import annotations

import contextvars
import itertools
import re
import time
import types
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import airspeed
from airspeed import operators as ops

from .vtl_bounds import (
    MAX_DEPTH,
    MAX_EVALUATE_CHARS,
    MAX_FOREACH,
    MAX_ITEMS,
    MAX_OUTPUT_CHARS,
    MAX_PARSE_SECONDS,
    MAX_SECONDS,
    MAX_STEPS,
    MAX_TEMPLATE_CHARS,
    MAX_WORK_CHARS,
    RUN,
    Run,
    VtlAbort,
    VtlError,
    bounded_string,
    current_run,
    need,
)
from .vtl_methods import SAFE_BY_FUNCTION, call_member, get_index, get_member, set_index
from .vtl_values import VtlList, VtlMap, VtlObject, VtlRange, json_text, str_of, to_text, to_vtl

__all__ = [
    "MAX_DEPTH",
    "MAX_FOREACH",
    "MAX_ITEMS",
    "MAX_OUTPUT_CHARS",
    "MAX_PARSE_SECONDS",
    "MAX_SECONDS",
    "MAX_STEPS",
    "MAX_TEMPLATE_CHARS",
    "MAX_WORK_CHARS",
    "VtlError",
    "VtlList",
    "VtlMap",
    "VtlObject",
    "VtlRange",
    "compile_template",
    "render",
    "str_of",
    "to_text",
    "to_vtl",
]

# Parse-tree nodes ---------------------------------------------------------------------------------


class BoundedStream(ops.StoppableStream):  # type: ignore[misc]  # airspeed is untyped
    """Template output, refused beyond ``MAX_OUTPUT_CHARS``."""

    def __init__(self) -> None:
        super().__init__()
        self.size = 0

    def write(self, s: str) -> int:
        if self.stop:
            return 0
        self.size += len(s)
        if self.size > MAX_OUTPUT_CHARS:
            raise VtlAbort(f"the text is longer than {MAX_OUTPUT_CHARS:,} characters")
        return super().write(s) or 0


class _NameOrCall(ops.NameOrCall):  # type: ignore[misc]  # airspeed is untyped
    def calculate(self, current_object: Any, loader: Any, top_namespace: Any) -> Any:
        run = current_run()
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
        run = current_run()
        run.enter()
        try:
            function.execute_function(stream, namespace, params, loader)
        finally:
            run.leave()
        text = stream.getvalue()
        if isinstance(function, ops.DefineDefinition) and self.parameters is not None and not params:
            text += self.parameters.my_text()  # airspeed's AWS parity: an empty list prints verbatim
        return bounded_string(text)


class _SubExpression(ops.SubExpression):  # type: ignore[misc]  # airspeed is untyped
    def calculate(self, current_object: Any, loader: Any, global_namespace: Any) -> Any:
        if not isinstance(self.expression, ops.ArrayIndex):
            return self.expression.calculate(current_object, loader, global_namespace)
        current_run().tick()
        index = self.expression.calculate(current_object, loader)  # airspeed's scoping, kept
        result = get_index(current_object, index, strict=True)
        if self.subexpression:
            result = self.subexpression.calculate(result, loader, global_namespace)
        return result


class _FormalReference(ops.FormalReference):  # type: ignore[misc]  # airspeed is untyped
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


class _InterpolatedStringLiteral(ops.InterpolatedStringLiteral):  # type: ignore[misc]  # airspeed is untyped
    def calculate(self, namespace: Any, loader: Any) -> str:
        output = BoundedStream()
        self.block.evaluate(output, namespace, loader)
        return bounded_string(output.getvalue())


class _Range(ops.Range):  # type: ignore[misc]  # airspeed is untyped
    def calculate(self, namespace: Any, loader: Any) -> VtlRange:
        first = self.value1.calculate(namespace, loader)
        last = self.value2.calculate(namespace, loader)
        for bound in (first, last):
            need(bound, int, "integer range bounds")
        return VtlRange(first, last)


class _Assignment(ops.Assignment):  # type: ignore[misc]  # airspeed is untyped
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        current_run().tick()
        value = self.value.calculate(namespace, loader)
        if not self.terms:
            namespace.set_inherited(self.root_term, value)
            return
        target = namespace[self.root_term]
        for term in self.terms[:-1]:
            target = get_index(target, term.calculate(namespace, loader), strict=True)
        set_index(target, self.terms[-1].calculate(namespace, loader), value)


class _ForeachDirective(ops.ForeachDirective):  # type: ignore[misc]  # airspeed is untyped
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        run = current_run()
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


class _MacroCall(ops.MacroCall):  # type: ignore[misc]  # airspeed is untyped
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        run = current_run()
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


class _EvaluateDirective(ops.EvaluateDirective):  # type: ignore[misc]  # airspeed is untyped
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        run = current_run()
        run.tick()
        text = need(self.value.calculate(namespace, loader), str, "a string to #evaluate")
        if len(text) > MAX_EVALUATE_CHARS:
            raise VtlAbort(f"#evaluate takes at most {MAX_EVALUATE_CHARS:,} characters")
        root = compile_template(text)
        run.enter()
        try:
            root.evaluate(stream, namespace, loader)
        finally:
            run.leave()


class _ReturnDirective(ops.ReturnDirective):  # type: ignore[misc]  # airspeed is untyped
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        value = self.value.calculate(namespace, loader)
        text = None
        if isinstance(value, dict):
            try:
                text = json_text(value)
            except (TypeError, ValueError):
                text = None
        stream.write(str_of(value) if text is None else text)


class _Unavailable(ops._Element):  # type: ignore[misc]  # airspeed is untyped
    def evaluate_raw(self, stream: Any, namespace: Any, loader: Any) -> None:
        raise airspeed.TemplateError("#include and #parse are not available in mapping templates")


class _IncludeDirective(_Unavailable, ops.IncludeDirective):  # type: ignore[misc]  # airspeed is untyped
    pass


class _ParseDirective(_Unavailable, ops.ParseDirective):  # type: ignore[misc]  # airspeed is untyped
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
            node.apply_to = SAFE_BY_FUNCTION[id(node.apply_to)]
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
    run = RUN.get()  # #evaluate parses within the render's own time
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
    run = Run()
    token = RUN.set(run)
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
        RUN.reset(token)
    return str(stream.getvalue())
