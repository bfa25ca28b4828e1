"""The side-by-side comparison's context: the same requests on the other configuration, plus costs."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from gateway_lab.engine.trace import trace_to_dict

from . import presenters, runs, svg
from .pricing import compare_costs
from .state import State


def compare_data(state: State, req: int) -> dict[str, Any]:
    """Return the other configuration's run at request ``req`` and both configurations' costs."""
    kind = state.data["compare"]
    other = runs.run_variant(
        state.run.scenario, kind, state.requests, client=runs.client_for(state.data, state.run.scenario)
    )
    side: dict[str, Any] = {"scenario": other.scenario, "errors": other.errors}
    if other.simulation is not None:
        trace = trace_to_dict(other.simulation.traces[min(req, len(other.simulation.traces) - 1)])
        view = presenters.trace_view(trace, step=len(trace["steps"]), href_for=lambda n: state.href(step=n))
        side.update(
            trace=trace,
            view=view,
            summary=other.simulation.summary,
            diagram=mark_safe(svg.pipeline_svg(view.nodes, label=_("Pipeline stages (comparison)"))),
        )  # noqa: S308
    volume = state.data.get("volume") or 100
    size_kb = state.data.get("size_kb") or 1.0
    return {
        "kind": kind,
        "other": side,
        "costs": compare_costs(requests=volume * 1_000_000, request_kb=size_kb),
        "volume": volume,
        "size_kb": size_kb,
    }
