"""Turn engine traces (``trace_to_dict`` JSON) into step and trace views (labels, panels, diagram nodes).

Labels live in ``labels``, the view dataclasses in ``steps``, diagram nodes in ``nodes`` and timeline
marks in ``marks``; the names callers use are re-exported here.

Display logic only: what a step *decided* always comes from the engine's trace. Nothing here
invents a step; stages the request never reached are shown as "not reached", never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from . import messages, panels
from .labels import KIND_LABELS, OUTCOME_LABELS, STAGE_LABELS
from .lesson_refs import LessonRef, lesson_url
from .marks import tightest_level, timeline_marks
from .nodes import diagram_nodes
from .steps import StepView, TraceView

# Re-exported: callers read labels and timeline marks from here.
__all__ = [
    "KIND_LABELS",
    "OUTCOME_LABELS",
    "STAGE_LABELS",
    "StepView",
    "TraceView",
    "clamp_step",
    "step_view",
    "timeline_marks",
    "tightest_level",
    "trace_view",
]


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
    title, reason, fidelity = messages.step_texts(step)  # in the page's language (issue 10)
    return StepView(
        number=number,
        stage=stage,
        label=str(STAGE_LABELS.get(stage, stage)),
        outcome=step["outcome"],
        outcome_label=str(OUTCOME_LABELS.get(step["outcome"], step["outcome"])),
        title=title,
        reason=reason,
        t_ms=step.get("t_ms", 0.0),
        duration_ms=step.get("duration_ms", 0.0),
        fact=step.get("fact"),
        lesson_url=ref.url if ref else lesson_url(anchor),
        lesson_label=ref.label if ref else (anchor or ""),
        fidelity_note=fidelity,
        panel=panel,
        detail=detail,
        detail_json=panels.pretty(detail),
        extras=panels.extras(
            panel, messages.translated_detail(detail, (step.get("messages") or {}).get("detail")), response
        ),
    )


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
        nodes=tuple(diagram_nodes(views, current, href_for)),
        response=trace["response"],
        request_id=trace.get("request_id", ""),
        finished=current == len(views),
    )
