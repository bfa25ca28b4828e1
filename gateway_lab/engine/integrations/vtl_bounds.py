"""The bounds of one VTL render (issue 16, §5.1) and the errors that report them; see ``vtl_sandbox``."""

from __future__ import annotations

import contextvars
import time
from types import UnionType
from typing import Any

MAX_TEMPLATE_CHARS = 300 * 1024  # AWS quota "mapping template size": 300 KB
MAX_EVALUATE_CHARS = 16 * 1024  # text one #evaluate may parse (parsing cannot be interrupted)
MAX_FOREACH = 1000  # §5.1: #foreach iterations in a mapping template
MAX_OUTPUT_CHARS = 10 * 1024 * 1024  # §5.1: 10 MB payload, the most a template may produce
MAX_WORK_CHARS = 32 * 1024 * 1024  # characters (and list items) one render may create in all
MAX_STEPS = 1_000_000  # references, operators, assignments and loop iterations per render
MAX_SECONDS = 1.0  # wall-clock time per render
MAX_PARSE_SECONDS = MAX_SECONDS  # wall-clock time to parse one template
MAX_DEPTH = 20  # nested macro, #define and #evaluate calls (Velocity's velocimacro.max.depth)
MAX_ITEMS = 100_000  # items in one list or map
MAX_REGEX_CHARS = 1000  # length of a replaceAll/matches/replaceFirst pattern
MAX_REGEX_SECONDS = 0.1  # per regex call: the regex module notices its timeout late (seen: 6x)
MAX_REGEX_REPEAT = 10_000  # product of a pattern's counted repeats ({n,m}): regex compiles them unrolled
JAVA_LONG = 2**63  # integer arithmetic stays within Java's long


class VtlError(Exception):
    """A template that does not parse, fails, or breaks a bound; the message says which and where."""


class VtlAbort(BaseException):
    """A bound was hit: unwinds through airspeed, whose nodes catch and wrap every ``Exception``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Run:
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


RUN: contextvars.ContextVar[Run | None] = contextvars.ContextVar("vtl_run", default=None)


def current_run() -> Run:
    # Outside a render (engine code printing a VtlMap) a throwaway budget still bounds the work.
    return RUN.get() or Run()


def bounded_string(value: str) -> str:
    """Charge a string a template created; refuse one longer than a payload."""
    if len(value) > MAX_OUTPUT_CHARS:
        raise VtlAbort(f"a string would be longer than {MAX_OUTPUT_CHARS:,} characters")
    current_run().charge(len(value))
    return value


def check_items(count: int) -> None:
    if count > MAX_ITEMS:
        raise VtlAbort(f"a list or map would hold more than {MAX_ITEMS:,} items")


def need(value: Any, kind: type | UnionType | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"expected {what}")
    return value
