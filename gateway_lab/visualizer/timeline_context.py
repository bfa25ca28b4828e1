"""The burst timeline's context: one mark per request, drawn as server-side SVG."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import presenters, svg
from .state import State


def timeline_data(state: State, simulation: Any, selected: int) -> dict[str, Any] | None:
    """Return the timeline chart and entries (None for a single request: nothing to chart)."""
    if len(simulation.timeline) < 2:
        return None
    prefix = state.href_prefix("req", "step", "guess")
    marks = presenters.timeline_marks(
        simulation.timeline, selected=selected, href_for=lambda i: f"{prefix}req={i}"
    )
    duration = max(entry["t_ms"] for entry in simulation.timeline) or 1000.0
    bursts = [layer.get("burst") for layer in _layers(simulation) if layer.get("level") != "account"]
    labels = {kind: str(label) for kind, label in presenters.KIND_LABELS.items()}
    labels.update(chart=_("Requests over time"), level=_("Tokens left"))
    chart = svg.timeline_svg(
        marks, duration_ms=duration * 1.02, labels=labels, level_max=max(bursts, default=None)
    )
    return {"svg": mark_safe(chart), "entries": simulation.timeline, "selected": selected}  # noqa: S308


def _layers(simulation: Any) -> list[Mapping[str, Any]]:
    for trace in simulation.traces:
        step = trace.step("throttle")
        if step is not None and step.detail.get("layers"):
            return list(step.detail["layers"])
    return []
