"""What a lab function may use besides its event and context: time, the lab services, counters.

In AWS a function would call ``time.sleep`` or boto3. Here ``spend(ms)`` takes the time instead
(virtual under simulation, real in live mode) and ``services()`` returns the in-lab SQS, Kinesis and
DynamoDB stores that the UI shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway_lab.engine import LabServices, current_invocation


def spend(ms: float) -> None:
    """Take ``ms`` milliseconds, as a slow database call or computation would."""
    current_invocation().spend(ms)


def services() -> LabServices:
    """Return the lab's SQS queues, Kinesis streams and DynamoDB tables."""
    return current_invocation().services


def now_ms() -> float:
    """Return the current time in epoch milliseconds on the engine clock (plus time spent so far)."""
    invocation = current_invocation()
    return invocation.clock.now_ms() + (0 if invocation.live else invocation.spent_ms)


def count(name: str) -> int:
    """Increment the lab counter ``name`` and return its new value (state that survives invocations)."""
    return current_invocation().services.increment(name)


def param(
    event: Mapping[str, Any], name: str, *, stage_variable: str | None = None, default: str = ""
) -> str:
    """Return query parameter ``name``, else stage variable ``stage_variable``, else ``default``."""
    query = event.get("queryStringParameters") or {}
    if name in query:
        return str(query[name])
    variables = event.get("stageVariables") or {}
    if stage_variable and stage_variable in variables:
        return str(variables[stage_variable])
    return default
