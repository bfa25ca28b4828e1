"""Turn engine traces (``trace_to_dict`` JSON) into view data: labels, panels, diagram nodes, timeline marks.

Display logic only: what a step *decided* always comes from the engine's trace. Nothing here
invents a step; stages the request never reached are shown as "not reached", never guessed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext_lazy as _

from gateway_lab.engine.stages import DEFAULT_STAGE_ORDER

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
PANELS = {
    "throttle": "throttle",
    "cache": "cache",
    "integration": "integration",
    "response": "response",
    "auth": "auth",
    "resource_policy": "auth",
    "api_key": "auth",
}
AUTH_KEYS = (
    "statement",
    "matched_statement",
    "policy",
    "canonical_request",
    "string_to_sign",
    "claims",
    "scopes",
    "principal_id",
    "context",
    "identity_source",
    "cached",
)


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
    fidelity_note: str | None
    panel: str
    detail: Mapping[str, Any]
    detail_json: str
    extras: Mapping[str, Any] = field(default_factory=dict)
    href: str = ""


def lesson_url(anchor: str | None) -> str | None:
    """Return ``/lessons/<slug>/#<section>`` for a ``slug#section`` anchor."""
    if not anchor:
        return None
    slug, _sep, section = anchor.partition("#")
    return f"/lessons/{slug}/" + (f"#{section}" if section else "")


def pretty(value: Any) -> str:
    """Return ``value`` as indented JSON for a <pre> block."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)


def step_view(step: Mapping[str, Any], number: int, response: Mapping[str, Any]) -> StepView:
    """Return the view of one trace step, with the extras its detail panel needs."""
    stage, detail = step["stage"], step.get("detail") or {}
    panel = PANELS.get(stage, "generic")
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
        lesson_url=lesson_url(step.get("lesson")),
        fidelity_note=step.get("fidelity_note"),
        panel=panel,
        detail=detail,
        detail_json=pretty(detail),
        extras=_extras(panel, detail, response),
    )


def _extras(panel: str, detail: Mapping[str, Any], response: Mapping[str, Any]) -> dict[str, Any]:
    if panel == "throttle":
        return {"gauges": [_gauge(layer) for layer in detail.get("layers", [])]}
    if panel == "integration":
        keys = ("event", "result", "request_mapping", "response_mapping", "template", "log")
        return {"blocks": [(key, pretty(detail[key])) for key in keys if detail.get(key) is not None]}
    if panel == "auth":
        return {"blocks": [(key, pretty(detail[key])) for key in AUTH_KEYS if detail.get(key) is not None]}
    if panel == "cache":
        return {"key_parts": detail.get("key_parts") or []}
    if panel == "response":
        return {"response": response, "body": _body_text(response)}
    return {}


def _gauge(layer: Mapping[str, Any]) -> dict[str, Any]:
    burst = float(layer.get("burst") or 0) or 1.0
    before, after = float(layer.get("tokens_before", 0)), float(layer.get("tokens_after", 0))
    return {
        **layer,
        "before_pct": round(min(before / burst, 1) * 100, 1),
        "after_pct": round(min(after / burst, 1) * 100, 1),
    }


def _body_text(response: Mapping[str, Any]) -> str:
    body = response.get("body", "")
    try:
        return pretty(json.loads(body))
    except (TypeError, ValueError):
        return str(body)


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


def trace_view(trace: Mapping[str, Any], *, step: int | None, href_for: Callable[[int], str]) -> TraceView:
    """Return the view of ``trace`` at ``step`` (1-based), linking each reached stage with ``href_for``."""
    views = tuple(
        replace(step_view(s, i, trace["response"]), href=href_for(i))
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
    """Return one timeline mark per simulated request (``points`` from the engine's timeline summary)."""
    marks = []
    for i, point in enumerate(points):
        kind = point.get("kind", "admitted")
        kind = kind if kind in KIND_LABELS else "error"
        title = f"#{i + 1} · {point.get('t_ms', 0):g} ms · {point.get('status', '')} · {KIND_LABELS[kind]}"
        marks.append(
            Mark(
                index=i,
                t_ms=float(point.get("t_ms", 0)),
                kind=kind,
                title=title,
                href=href_for(i),
                level=_tightest_level(point),
                selected=i == selected,
            )
        )
    return marks


def _tightest_level(point: Mapping[str, Any]) -> float | None:
    """Tokens left in the fullest-drained bucket (the one that throttles first)."""
    levels = point.get("levels") or point.get("buckets") or []
    values = [
        float(level.get("tokens_after", level.get("tokens", 0)))
        for level in levels
        if isinstance(level, Mapping)
    ]
    return min(values) if values else None
