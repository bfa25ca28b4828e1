"""Turn engine traces (``trace_to_dict`` JSON) into view data: labels, panels, diagram nodes, timeline marks.

Display logic only: what a step *decided* always comes from the engine's trace. Nothing here
invents a step; stages the request never reached are shown as "not reached", never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext_lazy as _

from gateway_lab.engine.stages import DEFAULT_STAGE_ORDER

from . import panels
from .lesson_refs import LessonRef, lesson_url
from .svg import Mark, Node

STAGE_LABELS = {
    "endpoint": _("Endpoint"),
    "routing": _("Routing"),
    "resource_policy": _("Resource policy"),
    "auth": _("Auth"),
    "api_key": _("API key"),
    "throttle": _("Throttling"),
    "validation": _("Validation"),
    "cache": _("Cache"),
    "integration": _("Integration"),
    "response": _("Response"),
}
OUTCOME_LABELS = {
    "pass": _("pass"),
    "reject": _("reject"),
    "hit": _("hit"),
    "miss": _("miss"),
    "skip": _("skip"),
    "error": _("error"),
    "pending": _("next?"),
    "unreached": _("not reached"),
}
KIND_LABELS = {
    "admitted": _("admitted"),
    "cached": _("cached"),
    "throttled": _("throttled (429)"),
    "rejected": _("refused (4xx)"),
    "error": _("error (5xx)"),
}


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


def step_view(
    step: Mapping[str, Any],
    number: int,
    response: Mapping[str, Any],
    *,
    lessons: Mapping[str, LessonRef] | None = None,
) -> StepView:
    """Return the view of one trace step, with the extras its detail panel needs."""
    stage, detail = step["stage"], step.get("detail") or {}
    panel = panels.PANELS.get(stage, "generic")
    anchor = step.get("lesson")
    ref = (lessons or {}).get(anchor) if anchor else None
    return StepView(
        number=number,
        stage=stage,
        label=str(STAGE_LABELS.get(stage, stage)),
        outcome=step["outcome"],
        outcome_label=str(OUTCOME_LABELS.get(step["outcome"], step["outcome"])),
        title=step["title"],
        reason=step["reason"],
        t_ms=step.get("t_ms", 0.0),
        duration_ms=step.get("duration_ms", 0.0),
        fact=step.get("fact"),
        lesson_url=ref.url if ref else lesson_url(anchor),
        lesson_label=ref.label if ref else (anchor or ""),
        fidelity_note=step.get("fidelity_note"),
        panel=panel,
        detail=detail,
        detail_json=panels.pretty(detail),
        extras=panels.extras(panel, detail, response),
    )


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


def clamp_step(step: int | None, total: int) -> int:
    """Return ``step`` within 1..total (1 when missing)."""
    return max(1, min(step or 1, total))


def trace_view(
    trace: Mapping[str, Any],
    *,
    step: int | None,
    href_for: Callable[[int], str],
    lessons: Mapping[str, LessonRef] | None = None,
) -> TraceView:
    """Return the view of ``trace`` at ``step`` (1-based), linking each reached stage with ``href_for``."""
    views = tuple(
        replace(step_view(s, i, trace["response"], lessons=lessons), href=href_for(i))
        for i, s in enumerate(trace["steps"], start=1)
    )
    current = clamp_step(step, len(views))
    return TraceView(
        steps=views,
        step=current,
        nodes=tuple(_nodes(views, current, href_for)),
        response=trace["response"],
        request_id=trace.get("request_id", ""),
        finished=current == len(views),
    )


def _nodes(views: Sequence[StepView], current: int, href_for: Callable[[int], str]) -> list[Node]:
    """Return diagram nodes: every step in the trace plus, in pipeline order, the stages it never reached."""
    by_stage = {v.stage: v for v in views}
    last_index = max(DEFAULT_STAGE_ORDER.index(v.stage) for v in views if v.stage in DEFAULT_STAGE_ORDER)
    nodes = []
    for position, stage in enumerate(DEFAULT_STAGE_ORDER):
        view = by_stage.get(stage)
        if view is None:
            if position < last_index and stage != "response" and _stage_was_cut(views, stage):
                nodes.append(
                    Node(
                        stage=stage,
                        label=str(STAGE_LABELS[stage]),
                        outcome="unreached",
                        outcome_label=str(OUTCOME_LABELS["unreached"]),
                        state="unreached",
                        href=None,
                    )
                )
            continue
        state = "done" if view.number < current else ("current" if view.number == current else "pending")
        outcome = view.outcome if state != "pending" else "pending"
        nodes.append(
            Node(
                stage=stage,
                label=view.label,
                outcome=outcome,
                outcome_label=str(OUTCOME_LABELS[outcome]),
                state=state,
                href=href_for(view.number),
            )
        )
    return nodes


def _stage_was_cut(views: Sequence[StepView], stage: str) -> bool:
    """True when an earlier step ended the request before ``stage`` (so it was skipped, not missing)."""
    position = DEFAULT_STAGE_ORDER.index(stage)
    return any(
        v.outcome in ("reject", "error") and DEFAULT_STAGE_ORDER.index(v.stage) < position
        for v in views
        if v.stage in DEFAULT_STAGE_ORDER and v.stage != "response"
    )


def timeline_marks(
    points: Sequence[Mapping[str, Any]], *, selected: int | None, href_for: Callable[[int], str]
) -> list[Mark]:
    """Return one timeline mark per simulated request (``points``: the engine's timeline entries)."""
    labels = {kind: str(label) for kind, label in KIND_LABELS.items()}  # one gettext per kind, not per mark
    marks = []
    for i, point in enumerate(points):
        kind = point.get("kind", "admitted")
        kind = kind if kind in labels else "error"
        t_ms = float(point.get("t_ms", 0))
        marks.append(
            Mark(
                index=i,
                t_ms=t_ms,
                kind=kind,
                title=f"#{i + 1} · {t_ms:g} ms · {point.get('status', '')} · {labels[kind]}",
                href=href_for(i),
                level=tightest_level(point.get("buckets") or {}),
                selected=i == selected,
            )
        )
    return marks


def tightest_level(buckets: Mapping[str, float]) -> float | None:
    """Tokens left in the most drained bucket (the one that throttles first); the account's is shared by all."""
    values = [float(tokens) for level, tokens in buckets.items() if level != "account"]
    return min(values) if values else None
