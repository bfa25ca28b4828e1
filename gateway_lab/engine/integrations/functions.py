"""Lambda functions in the lab: which handlers may run, their context, and how their time is counted.

*Allow-list.* A handler is a dotted ``package.module.function`` path (like SAM's ``Handler``) or a
short alias (``echo``). ``FunctionRegistry`` resolves only paths under its allowed packages, only to
public functions defined in the module named, so nobody can point an integration at arbitrary code.

*Time.* The engine never sleeps and never reads the wall clock. A handler that wants to take time
calls ``gateway_lab.functions.lab.spend(ms)``, which reports to the current ``Invocation``:
under simulation the milliseconds are only added up (virtual latency), so a 35 s handler behind a
29 s integration timeout costs nothing and the integration answers 504 at exactly 29 000 ms. In live
mode ``spend`` really waits (on an Event, so a timed-out invocation stops early) and the runtime
runs the handler in a worker thread, waiting at most the timeout. Python cannot kill a thread: a
user handler that loops without calling ``spend`` keeps its worker until it returns; the client
still gets its 504 on time.
"""

from __future__ import annotations

import ast
import asyncio
import contextvars
import hashlib
import importlib
import inspect
import re
import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from ..speedups import fast_constructor
from .lab_stores import LabServices
from .types import Clock, IntegrationConfigError

Handler = Callable[[Any, Any], Any]

BUILTIN_ALIASES = {
    name: f"gateway_lab.functions.{module}.handler"
    for name, module in {
        "echo": "echo",
        "mirror": "mirror",
        "hello": "hello",
        "slow": "slow",
        "flaky": "flaky",
        "broken-response": "broken_response",
        "orders-to-queue": "orders_to_queue",
        # The built-in Lambda authorizers (gateway_lab/functions/authorizers).
        "static-token": "authorizers.static_token",
        "allow-list": "authorizers.allow_list",
        "oauth-introspection": "authorizers.oauth_introspection",
    }.items()
}
DEFAULT_FUNCTION_TIMEOUT_MS = 60_000  # lab default; real functions default to 3 s (fidelity note in traces)
_DOTTED = re.compile(r"^[A-Za-z]\w*(\.[A-Za-z]\w*)+$")


class InvocationCancelled(BaseException):  # noqa: N818 — BaseException so handlers' `except Exception` won't swallow it
    """Raised inside a live handler's ``spend`` once the gateway stopped waiting for it."""


@dataclass(slots=True)
class Invocation:
    """Mutable state of one handler run, reachable from handler code through ``current_invocation()``.

    ``cancelled`` is set once the gateway stopped waiting for a live handler. It is made on first
    use: a simulated invocation never waits on it, and an Event costs more than the rest of the
    invocation's bookkeeping.
    """

    services: LabServices
    clock: Clock
    live: bool
    timeout_ms: float
    started_ms: float
    spent_ms: float = 0.0
    _cancelled: threading.Event | None = field(default=None, repr=False, compare=False)
    deadline_ms: float | None = None  # an inline live run: a wait ends, cancelled, at this time

    @property
    def cancelled(self) -> threading.Event:
        event = self._cancelled
        if event is None:
            deadline = self.deadline_ms
            event = threading.Event() if deadline is None else _Deadline(self.clock, deadline)
            self._cancelled = event
        return event

    def spend(self, ms: float) -> None:
        """Account ``ms`` of work: virtual under simulation, a real (cancellable) wait in live mode."""
        if self.live:
            if self.cancelled.wait(max(ms, 0) / 1000):
                raise InvocationCancelled()
            return
        self.spent_ms += max(ms, 0)

    def elapsed_ms(self) -> float:
        return self.clock.now_ms() - self.started_ms if self.live else self.spent_ms


_current: contextvars.ContextVar[Invocation | None] = contextvars.ContextVar("lab_invocation", default=None)


def current_invocation() -> Invocation:
    """Return the invocation running on this thread; handlers reach the lab services through it."""
    invocation = _current.get()
    if invocation is None:
        raise RuntimeError("No lab invocation is active: call handlers through the integration runtime")
    return invocation


REQUEST_ID_NAMESPACE = uuid.UUID("0b9d3c8e-5d7b-4f7e-8a0c-2e9b6f1d4a77")
_NAMESPACE_BYTES = REQUEST_ID_NAMESPACE.bytes
_LOG_STREAM = "2024/01/01/[$LATEST]00000000000000000000000000000000"
_VERSION, _MEMORY_MB = "$LATEST", 128  # the defaults of a context, given or built per invocation


def invocation_request_id(name: str) -> str:
    """``str(uuid.uuid5(REQUEST_ID_NAMESPACE, name))`` without building UUID objects: an invocation's request id,
    the same for the same gateway request and function."""
    bits = int.from_bytes(hashlib.sha1(_NAMESPACE_BYTES + name.encode("utf-8")).digest()[:16], "big")
    bits = (bits & ~(0xC000 << 48) | (0x8000 << 48)) & ~(0xF000 << 64) | (5 << 76)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class LambdaContext:
    """The context object of AWS's Python runtime, with remaining time on the engine clock.

    ``aws_request_id`` is given, or worked out on first read from ``request_id_name`` (the gateway's
    request id and the function): most handlers never read it, and it costs a SHA-1 per invocation.
    """

    __slots__ = (
        "_aws_request_id",
        "_request_id_name",
        "function_name",
        "invoked_function_arn",
        "function_version",
        "memory_limit_in_mb",
        "log_group_name",
        "log_stream_name",
        "invocation",
    )

    def __init__(
        self,
        *,
        function_name: str,
        invoked_function_arn: str,
        aws_request_id: str | None = None,
        request_id_name: str = "",
        function_version: str = _VERSION,
        memory_limit_in_mb: int = _MEMORY_MB,
        log_group_name: str = "",
        log_stream_name: str = _LOG_STREAM,
        invocation: Invocation | None = None,
    ) -> None:
        self._aws_request_id, self._request_id_name = aws_request_id, request_id_name
        self.function_name, self.invoked_function_arn = function_name, invoked_function_arn
        self.function_version, self.memory_limit_in_mb = function_version, memory_limit_in_mb
        self.log_group_name, self.log_stream_name = log_group_name, log_stream_name
        self.invocation = invocation

    @classmethod
    def for_invocation(
        cls, request_id_name: str, function_name: str, arn: str, log_group_name: str, invocation: Invocation
    ) -> LambdaContext:
        """``LambdaContext(...)`` with the defaults, positional and without ``__init__`` (once per invoke)."""
        context = _new_object(cls)
        context._aws_request_id, context._request_id_name = None, request_id_name
        context.function_name, context.invoked_function_arn = function_name, arn
        context.function_version, context.memory_limit_in_mb = _VERSION, _MEMORY_MB
        context.log_group_name, context.log_stream_name = log_group_name, _LOG_STREAM
        context.invocation = invocation
        return context

    @property
    def aws_request_id(self) -> str:
        value = self._aws_request_id
        if value is None:
            value = self._aws_request_id = invocation_request_id(self._request_id_name)
        return value

    def get_remaining_time_in_millis(self) -> int:
        if self.invocation is None:
            return DEFAULT_FUNCTION_TIMEOUT_MS
        return max(0, int(self.invocation.timeout_ms - self.invocation.elapsed_ms()))

    def __repr__(self) -> str:
        return f"LambdaContext(function_name={self.function_name!r}, aws_request_id={self.aws_request_id!r})"


_new_object = object.__new__


class FunctionRegistry:
    """Resolve handler references, refusing anything outside the allowed packages."""

    def __init__(
        self,
        *,
        allowed_packages: tuple[str, ...] = ("gateway_lab.functions",),
        aliases: Mapping[str, str] | None = None,
        timeout_ms: int = DEFAULT_FUNCTION_TIMEOUT_MS,
    ) -> None:
        self.allowed_packages = tuple(allowed_packages)
        self.aliases = dict(BUILTIN_ALIASES if aliases is None else aliases)
        self.timeout_ms = timeout_ms
        # What lambda_invoke works out once per method and stage (timeout, name, handler), kept per
        # registry: (id(integration), id(stage variables), API type, endpoint type) → the two
        # mappings (kept alive, so their ids are not reused) and the value.
        self.setups: dict[
            tuple[int, int, str, str], tuple[object, object, tuple[int, str, str, Handler]]
        ] = {}

    def dotted_path(self, reference: str) -> str:
        """Return the dotted path of an alias or a dotted reference, checked against the allow-list."""
        path = self.aliases.get(reference, reference)
        if not _DOTTED.match(path):
            raise IntegrationConfigError(
                f"Handler {reference!r} is not a dotted package.module.function path"
            )
        module_name = path.rpartition(".")[0]
        if not any(module_name == p or module_name.startswith(p + ".") for p in self.allowed_packages):
            allowed = ", ".join(self.allowed_packages)
            raise IntegrationConfigError(
                f"Handler {path!r} is outside the allowed function packages ({allowed})"
            )
        return path

    def resolve(self, reference: str) -> Handler:
        """Import and return the handler function named by ``reference``."""
        path = self.dotted_path(reference)
        module_name, _, attr = path.rpartition(".")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise IntegrationConfigError(f"Cannot import handler module {module_name!r}: {exc}") from exc
        function = getattr(module, attr, None)
        # Only handlers defined in that module: `echo.dumps` (an imported name) must not be reachable.
        # A function defined there, or a callable object its own source assigns at top level, the
        # way Lambda runs `handler = Mangum(app)` (an ASGI app wrapped for API Gateway events).
        defined_here = getattr(function, "__module__", None) == module_name or (
            _is_handler_object(function) and _assigned_at_top_level(module, attr)
        )
        if not callable(function) or not defined_here:
            raise IntegrationConfigError(f"Handler {path!r} is not a function defined in {module_name}")
        handler: Handler = function
        return handler


def _is_handler_object(value: Any) -> bool:
    """A callable instance (not a function, class or module, which have their own rules)."""
    return callable(value) and not (
        inspect.isroutine(value) or inspect.isclass(value) or inspect.ismodule(value)
    )


def _assigned_at_top_level(module: Any, name: str) -> bool:
    """Whether ``module``'s own source assigns ``name`` at top level (``handler = Mangum(app)``)."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError, SyntaxError):
        return False
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return True
    return False


@dataclass(frozen=True, slots=True, kw_only=True)
class HandlerRun:
    """What one handler run produced."""

    value: Any = None
    error: dict[str, Any] | None = None  # {"errorType", "errorMessage"} like Lambda's error payload
    elapsed_ms: float = 0.0
    timed_out: bool = False


def _call(handler: Handler, event: Any, context: LambdaContext, invocation: Invocation) -> HandlerRun:
    token = _current.set(invocation)
    try:
        value = handler(event, context)
    except Exception as exc:  # an exception in a handler is a Lambda error, whatever it is
        return HandlerRun(error={"errorType": type(exc).__name__, "errorMessage": str(exc)})
    finally:
        _current.reset(token)
    return HandlerRun(value=value)


_make_run = fast_constructor(HandlerRun)  # HandlerRun(...) once per invocation (see speedups)


def _thread_with_event_loop() -> None:
    """Give each live handler thread an event loop, as Lambda's main thread has one (Mangum uses it)."""
    asyncio.set_event_loop(asyncio.new_event_loop())


_pool = ThreadPoolExecutor(
    max_workers=16, thread_name_prefix="lab-lambda", initializer=_thread_with_event_loop
)


# The lab's own functions, which take time only through ``lab.spend`` (no sockets, no sleeps, no event
# loop): live, they run in the caller's thread, bounded by a cancelled event that ends any ``spend``
# at the gateway timeout (one thread hop less per request: bench/livegw.py).
INLINE_MODULES = frozenset(
    f"gateway_lab.functions.{module}"
    for module in ("echo", "mirror", "hello", "slow", "flaky", "broken_response", "authorizers.static_token",
                   "authorizers.allow_list", "authorizers.oauth_introspection")
)  # fmt: skip


class _Deadline(threading.Event):
    """An inline run's ``cancelled`` event: a wait that reaches the gateway timeout ends there, cancelled."""

    def __init__(self, clock: Clock, deadline_ms: float) -> None:
        super().__init__()
        self._clock, self._deadline_ms = clock, deadline_ms

    def wait(self, timeout: float | None = None) -> bool:
        remaining_s = (self._deadline_ms - self._clock.now_ms()) / 1000
        if timeout is None or timeout >= remaining_s:
            super().wait(max(remaining_s, 0.0))
            return True
        return super().wait(timeout)


def run_handler(
    handler: Handler, event: Any, *, context: LambdaContext, invocation: Invocation, gateway_timeout_ms: float
) -> HandlerRun:
    """Run ``handler`` under the gateway timeout: virtual time under simulation, a worker thread live."""
    if not invocation.live:  # _call() inlined: one HandlerRun per simulated invocation, not two
        token = _current.set(invocation)
        value, error = None, None
        try:
            value = handler(event, context)
        except Exception as exc:  # an exception in a handler is a Lambda error, whatever it is
            error = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
        finally:
            _current.reset(token)
        spent = invocation.spent_ms
        return _make_run(value, error, spent, spent > gateway_timeout_ms)
    if getattr(handler, "__module__", None) in INLINE_MODULES:  # the lab's own: inline, bounded by _Deadline
        invocation.deadline_ms = invocation.started_ms + gateway_timeout_ms  # its _Deadline made if it waits
        token = _current.set(invocation)
        value, error = None, None
        try:
            value = handler(event, context)
        except Exception as exc:  # an exception in a handler is a Lambda error, whatever it is
            error = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
        except InvocationCancelled:  # a spend reached the timeout: the gateway stops waiting there
            return HandlerRun(elapsed_ms=gateway_timeout_ms, timed_out=True)
        finally:
            _current.reset(token)
        return _make_run(value, error, invocation.elapsed_ms(), False)
    cancelled = invocation.cancelled  # made here, before the worker thread can race to make its own
    future = _pool.submit(contextvars.copy_context().run, _call, handler, event, context, invocation)
    try:
        run = future.result(timeout=gateway_timeout_ms / 1000)
    except FutureTimeout:
        cancelled.set()
        return HandlerRun(elapsed_ms=gateway_timeout_ms, timed_out=True)
    return HandlerRun(value=run.value, error=run.error, elapsed_ms=invocation.elapsed_ms())
