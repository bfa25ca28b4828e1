"""The views of a trace the page draws: one step (``StepView``) and a trace at one step (``TraceView``).

Plain dataclasses: ``presenters`` builds them, ``nodes`` and ``outcomes`` read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .svg import Node


@dataclass(frozen=True, slots=True, kw_only=True)
class StepView:
    """One step as the page shows it."""

    number: int  # 1-based position in the trace
    stage: str
    label: str
    outcome: str
    outcome_label: str
    title: str
    reason: str
    t_ms: float
    duration_ms: float
    fact: str | None
    lesson_url: str | None
    lesson_label: str
    fidelity_note: str | None
    panel: str
    detail: Mapping[str, Any]
    detail_json: str
    extras: Mapping[str, Any] = field(default_factory=dict)
    href: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceView:
    """A trace at one step: the steps revealed so far, the current one and the diagram nodes."""

    steps: tuple[StepView, ...]
    step: int  # the current step, 1..len(steps)
    nodes: tuple[Node, ...]
    response: Mapping[str, Any]
    request_id: str
    finished: bool  # the response step is revealed

    @property
    def current(self) -> StepView:
        return self.steps[self.step - 1]

    @property
    def revealed(self) -> tuple[StepView, ...]:
        return self.steps[: self.step]

    @property
    def upcoming(self) -> StepView | None:
        return self.steps[self.step] if self.step < len(self.steps) else None
