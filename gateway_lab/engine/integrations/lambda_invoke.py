"""Invoke a lab Lambda function for an integration: resolve, run under the timeout, marshal the result."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..text import Text
from .functions import Invocation, LambdaContext, run_handler
from .timeouts import resolve_timeout_ms
from .types import IntegrationCall
from .uri import lambda_function_name, substitute_stage_variables

if TYPE_CHECKING:
    from . import IntegrationRuntime

_NAMESPACE = uuid.UUID("0b9d3c8e-5d7b-4f7e-8a0c-2e9b6f1d4a77")
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


def _reference(call: IntegrationCall) -> tuple[str, str]:
    """Return (handler reference, function name): the lab's ``handler`` key wins over the URI's function."""
    if call.integration.get("handler"):
        reference = substitute_stage_variables(str(call.integration["handler"]), call.stage_variables)
        return reference, reference.rsplit(".", 2)[-2] if "." in reference else reference
    uri = substitute_stage_variables(str(call.integration.get("uri", "")), call.stage_variables)
    name = lambda_function_name(uri)
    return name, name


def _context(call: IntegrationCall, name: str, invocation: Invocation) -> LambdaContext:
    return LambdaContext(
        aws_request_id=str(uuid.uuid5(_NAMESPACE, f"{call.request_id}/{name}")),
        function_name=name,
        invoked_function_arn=f"arn:aws:lambda:{call.region}:{call.account_id}:function:{name}",
        log_group_name=f"/aws/lambda/{name}",
        invocation=invocation,
    )


def _marshal(value: Any) -> tuple[Any, dict[str, Any] | None]:
    # Lambda serialises the return value to JSON; what cannot be serialised is a function error.
    try:
        return json.loads(json.dumps(value)), None
    except (TypeError, ValueError) as exc:
        return None, {
            "errorType": "Runtime.MarshalError",
            "errorMessage": f"Unable to marshal response: {exc}",
        }


def invoke_function(call: IntegrationCall, runtime: IntegrationRuntime, event: Any) -> FunctionOutcome:
    """Run the integration's function with ``event`` and report output, error, latency and timeout."""
    timeout_ms = resolve_timeout_ms(call.api_type, call.endpoint_type, call.integration)
    reference, name = _reference(call)
    handler_path = runtime.functions.dotted_path(reference)
    handler = runtime.functions.resolve(reference)
    started = runtime.clock.now_ms()
    invocation = Invocation(
        services=runtime.services,
        clock=runtime.clock,
        live=runtime.live,
        timeout_ms=runtime.functions.timeout_ms,
        started_ms=started,
    )
    overhead = 0.0 if runtime.live else runtime.base_latency_ms.get("lambda", 0.0)
    run = run_handler(
        handler,
        event,
        context=_context(call, name, invocation),
        invocation=invocation,
        gateway_timeout_ms=timeout_ms - overhead,
    )
    duration = run.elapsed_ms + overhead
    common = {"handler": handler_path, "function_name": name, "timeout_ms": timeout_ms}
    if run.timed_out or duration > timeout_ms:
        note = LIVE_TIMEOUT_NOTE if runtime.live else None
        return FunctionOutcome(**common, duration_ms=float(timeout_ms), timed_out=True, fidelity=note)
    fidelity = None if runtime.live else SIMULATED_LATENCY.cached(overhead=overhead)
    if run.error is not None:
        return FunctionOutcome(**common, duration_ms=duration, error=run.error, fidelity=fidelity)
    output, marshal_error = _marshal(run.value)
    return FunctionOutcome(
        **common, duration_ms=duration, output=output, error=marshal_error, fidelity=fidelity
    )
