"""The stage protocol and the one helper every stage uses to record its step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ..context import Context
from ..trace import Outcome, StageName, Step


class Stage(Protocol):
    """One pipeline stage: look at the context, maybe change it, and return the step it decided.

    A denial is data: set ``ctx.error`` (a ``GatewayError``) and return a ``reject``/``error`` step;
    the pipeline then skips to the response stage. A stage that answers by itself (a cache hit)
    sets ``ctx.response``. Stages never raise for gateway behaviour.
    """

    name: StageName

    def evaluate(self, ctx: Context) -> Step: ...


def record(
    ctx: Context,
    stage: StageName,
    outcome: Outcome,
    title: str,
    reason: str,
    *,
    detail: Mapping[str, Any] | None = None,
    duration_ms: float = 0.0,
    fact: str | None = None,
    lesson: str | None = None,
    fidelity: str | None = None,
) -> Step:
    """Return the step starting at the request's current time, and advance that time by ``duration_ms``."""
    step = Step(
        stage=stage,
        outcome=outcome,
        title=title,
        reason=reason,
        detail=detail if detail is not None else {},
        t_ms=ctx.t_ms,
        duration_ms=duration_ms,
        fact=fact,
        lesson=lesson,
        fidelity=fidelity,
    )
    ctx.elapsed_ms += duration_ms
    return step


def fmt(number: float) -> str:
    """Format a number for a learner: ``5`` not ``5.0``, ``0.4`` not ``0.4000001``."""
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.2f}".rstrip("0").rstrip(".")
