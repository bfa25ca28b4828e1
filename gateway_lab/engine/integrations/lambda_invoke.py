"""Invoke a lab Lambda function for an integration: resolve, run under the timeout, marshal the result."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..speedups import fast_constructor
from ..text import Text
from .functions import Handler, Invocation, LambdaContext, run_handler
from .timeouts import resolve_timeout_ms
from .types import IntegrationCall, Runtime
from .uri import lambda_function_name, substitute_stage_variables

LIVE_TIMEOUT_NOTE = Text(
    "A timed-out handler thread cannot be killed; it stops at its next lab.spend() call."
)()
SIMULATED_LATENCY = Text(
    "Simulated latency: {overhead:g} ms invoke overhead plus the time the handler spent through lab.spend()."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionOutcome:
    """One Lambda invocation as the gateway saw it."""

    handler: str
    function_name: str
    timeout_ms: int
    duration_ms: float
    output: Any = None  # the JSON-decoded return value
    error: dict[str, Any] | None = None  # Lambda's error payload {"errorType", "errorMessage"}
    timed_out: bool = False
    fidelity: Any = None  # str or engine.text Message


def function_reference(target: Mapping[str, Any], stage_variables: Mapping[str, str]) -> tuple[str, str]:
    """Return (handler reference, function name) of an integration or authorizer target: the lab's
    ``handler`` key wins over the URI's function. Raises ``IntegrationConfigError`` for a bad URI."""
    if target.get("handler"):
        reference = substitute_stage_variables(str(target["handler"]), stage_variables)
        return reference, reference.rsplit(".", 2)[-2] if "." in reference else reference
    uri = substitute_stage_variables(str(target.get("uri", "")), stage_variables)
    name = lambda_function_name(uri)
    return name, name


def _context(call: IntegrationCall, name: str, invocation: Invocation) -> LambdaContext:
    return LambdaContext.for_invocation(
        f"{call.request_id}/{name}",
        name,
        f"arn:aws:lambda:{call.region}:{call.account_id}:function:{name}",
        f"/aws/lambda/{name}",
        invocation,
    )


_NOT_PLAIN = object()
_PLAIN_DEPTH = 64  # deeper results take the JSON round trip (and its errors) as before


def _plain_copy(value: Any, depth: int = 0) -> Any:
    """Return what ``json.loads(json.dumps(value))`` would, for plain JSON data; else ``_NOT_PLAIN``.

    Plain means exactly ``dict`` (``str`` keys), ``list``, ``str``, ``int``, ``float``, ``bool`` and
    ``None``: for those the round trip is a fresh copy with the same values, which this builds
    without encoding and parsing the text (a Lambda proxy result carries its body as one long string).
    Anything else (tuples, subclasses, other keys, other types) goes through JSON as before.
    """
    kind = value.__class__
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if depth >= _PLAIN_DEPTH:
        return _NOT_PLAIN
    if kind is dict:
        copied: dict[str, Any] = {}
        for key, item in value.items():
            if key.__class__ is not str:
                return _NOT_PLAIN
            item = _plain_copy(item, depth + 1)
            if item is _NOT_PLAIN:
                return _NOT_PLAIN
            copied[key] = item
        return copied
    if kind is list:
        items = []
        for item in value:
            item = _plain_copy(item, depth + 1)
            if item is _NOT_PLAIN:
                return _NOT_PLAIN
            items.append(item)
        return items
    return _NOT_PLAIN


def _marshal(value: Any) -> tuple[Any, dict[str, Any] | None]:
    # Lambda serialises the return value to JSON; what cannot be serialised is a function error.
    copied = _plain_copy(value)
    if copied is not _NOT_PLAIN:
        return copied, None
    try:
        return json.loads(json.dumps(value)), None
    except (TypeError, ValueError) as exc:
        return None, {
            "errorType": "Runtime.MarshalError",
            "errorMessage": f"Unable to marshal response: {exc}",
        }


def _setup(call: IntegrationCall, runtime: Runtime) -> tuple[int, str, str, Handler]:
    """Return (timeout, function name, handler path, handler), worked out once per method and stage.

    The integration, the stage variables and the function registry are frozen snapshots, so what
    derives from them cannot change: entries are keyed by their identities and checked with ``is``.
    A configuration error is not kept: it is raised again on every request, as before.
    """
    integration, variables, functions = call.integration, call.stage_variables, runtime.functions
    setups = functions.setups  # on the registry: one per runtime, nothing shared between runtimes
    key = (id(integration), id(variables), call.api_type, call.endpoint_type)
    hit = setups.get(key)
    if hit is not None and hit[0] is integration and hit[1] is variables:
        return hit[2]
    timeout_ms = resolve_timeout_ms(call.api_type, call.endpoint_type, integration)
    reference, name = function_reference(call.integration, call.stage_variables)
    value = (timeout_ms, name, functions.dotted_path(reference), functions.resolve(reference))
    if len(setups) > 512:  # edited and redeployed APIs leave old snapshots behind
        setups.clear()
    setups[key] = (integration, variables, value)
    return value


def invoke_function(call: IntegrationCall, runtime: Runtime, event: Any) -> FunctionOutcome:
    """Run the integration's function with ``event`` and report output, error, latency and timeout."""
    timeout_ms, name, handler_path, handler = _setup(call, runtime)
    clock, live = runtime.clock, runtime.live
    invocation = Invocation(runtime.services, clock, live, runtime.functions.timeout_ms, clock.now_ms())
    overhead = 0.0 if live else runtime.base_latency_ms.get("lambda", 0.0)
    run = run_handler(
        handler,
        event,
        context=_context(call, name, invocation),
        invocation=invocation,
        gateway_timeout_ms=timeout_ms - overhead,
    )
    duration = run.elapsed_ms + overhead
    if run.timed_out or duration > timeout_ms:
        note = LIVE_TIMEOUT_NOTE if live else None
        return _make_outcome(handler_path, name, timeout_ms, float(timeout_ms), None, None, True, note)
    fidelity = None if live else SIMULATED_LATENCY.cached(overhead=overhead)
    if run.error is not None:
        return _make_outcome(handler_path, name, timeout_ms, duration, None, run.error, False, fidelity)
    output, marshal_error = _marshal(run.value)
    return _make_outcome(handler_path, name, timeout_ms, duration, output, marshal_error, False, fidelity)


_make_outcome = fast_constructor(FunctionOutcome)  # FunctionOutcome(...) once per invocation (see speedups)
