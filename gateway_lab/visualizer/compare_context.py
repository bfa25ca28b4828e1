"""The side-by-side comparison's context: the same request on two configurations, what differs, and costs.

Both sides are drawn fully revealed (a comparison is about outcomes). Every difference is marked:
the stages each side ran and what they decided, the Lambda event the integration step carries
(payload format 1.0 vs 2.0 is the lesson of REST vs HTTP), the status, the latency and the cost.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from gateway_lab.engine import DEFAULT_STAGE_ORDER, trace_to_dict

from . import presenters, svg
from .labels import STAGE_LABELS
from .nodes import diagram_nodes
from .outcomes import status_class, with_status_classes
from .pricing import compare_costs, cost_verdict
from .scenarios import Run, run_for
from .state import State

VALUE_CHARS = 80  # an event value longer than this is shortened in the table (the JSON is in the trace)


def compare_data(state: State, req: int) -> dict[str, Any]:
    """Return both configurations' runs at request ``req``, their differences and both API types' costs."""
    kind = state.data["compare"]
    other = run_for(replace(state.run_query, compare=kind))
    a = _side(state, state.run, req, label=_("Pipeline stages"))
    b = _side(state, other, req, label=_("Pipeline stages (comparison)"))
    volume = state.data.get("volume") or 100
    size_kb = state.data.get("size_kb") or 1.0
    costs = compare_costs(requests=volume * 1_000_000, request_kb=size_kb)
    data: dict[str, Any] = {
        "kind": kind,
        "this": a,
        "other": b,
        "sides": [(a, "compare-a"), (b, "compare-b")],
        "costs": costs,
        "verdict": cost_verdict(costs, request_kb=size_kb),
        "volume": volume,
        "size_kb": size_kb,
    }
    if "trace" in a and "trace" in b:
        data["diff"] = trace_diff(a["trace"], b["trace"])
    return data


def _side(state: State, run: Run, req: int, *, label: str) -> dict[str, Any]:
    """Return one side: its scenario, errors or its trace fully revealed with a diagram."""
    side: dict[str, Any] = {"scenario": run.scenario, "errors": run.errors, "name": side_name(run.scenario)}
    if run.simulation is None:
        return side
    trace = trace_to_dict(run.simulation.traces[min(req, len(run.simulation.traces) - 1)], messages=True)
    last = len(trace["steps"])
    view = presenters.trace_view(trace, step=last, href_for=lambda n: state.href(step=n, guess=None))
    steps = with_status_classes(view.steps, trace["response"])
    nodes = diagram_nodes(steps, last, lambda n: state.href(step=n, guess=None))
    side.update(
        trace=trace,
        steps=steps,
        summary=run.simulation.summary,
        payload=_integration(trace).get("payloadFormatVersion"),
        diagram=mark_safe(svg.pipeline_svg(nodes, label=label, per_row=5)),  # noqa: S308 - escaped in svg.py
    )
    return side


def side_name(scenario: Any) -> str:
    """Return "REST · REGIONAL · cache off": what tells two configurations apart at a glance."""
    if scenario.api_type != "REST":  # HTTP and WebSocket APIs are Regional only, without a cache
        return str(scenario.api_type)
    endpoint = ((scenario.api.get("endpointConfiguration") or {}).get("types") or ["EDGE"])[0]
    cache = _("cache on") if scenario.stage.get("cacheClusterEnabled") else _("cache off")
    return " · ".join((scenario.api_type, str(endpoint), cache))


def trace_diff(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """Return every difference between two traces of the same request: stages, event, status, latency."""
    status_a, status_b = a["response"]["status"], b["response"]["status"]
    ms_a, ms_b = _total_ms(a), _total_ms(b)
    return {
        "stages": stage_rows(a, b),
        "event": event_rows(_integration(a).get("event"), _integration(b).get("event")),
        "payload": (_integration(a).get("payloadFormatVersion"), _integration(b).get("payloadFormatVersion")),
        "status": {
            "a": status_a,
            "b": status_b,
            "class_a": status_class(status_a),
            "class_b": status_class(status_b),
            "differs": status_a != status_b,
        },
        "latency": {"a": ms_a, "b": ms_b, "delta": round(ms_b - ms_a, 3), "differs": ms_a != ms_b},
    }


def stage_rows(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return one row per stage either side ran: each side's outcome (None: not run) and whether they differ."""
    outcome_a = {s["stage"]: s for s in a["steps"]}
    outcome_b = {s["stage"]: s for s in b["steps"]}
    rows = []
    for stage in DEFAULT_STAGE_ORDER:
        if stage not in outcome_a and stage not in outcome_b:
            continue
        sa, sb = outcome_a.get(stage), outcome_b.get(stage)
        va = _stage_value(sa, a)
        vb = _stage_value(sb, b)
        rows.append(
            {
                "stage": stage,
                "label": str(STAGE_LABELS.get(stage, stage)),
                "a": va,
                "b": vb,
                "title_a": sa["title"] if sa else "",
                "title_b": sb["title"] if sb else "",
                "differs": va != vb,
            }
        )
    return rows


def _stage_value(step: Mapping[str, Any] | None, trace: Mapping[str, Any]) -> str | None:
    if step is None:
        return None
    if step["stage"] == "response":
        return status_class(trace["response"]["status"])
    return str(step["outcome"])


def event_rows(a: Any, b: Any) -> list[dict[str, Any]]:
    """Return the Lambda event's fields side by side, two levels deep, marking fields that differ.

    ``kind`` is ``only_a``/``only_b`` (the field exists on one side: payload 1.0's ``multiValueHeaders``,
    2.0's ``rawPath``), ``changed`` or ``same``. No event on a side (no Lambda proxy) gives no rows.
    """
    if not isinstance(a, Mapping) or not isinstance(b, Mapping):
        return []
    rows: list[dict[str, Any]] = []
    for key in _union(a, b):
        va, vb = a.get(key, _MISSING), b.get(key, _MISSING)
        if isinstance(va, Mapping) and isinstance(vb, Mapping) and va != vb:
            rows.append(_row(key, _SUMMARY, _SUMMARY, "changed"))
            rows.extend(
                _row(f"{key}.{sub}", va.get(sub, _MISSING), vb.get(sub, _MISSING)) for sub in _union(va, vb)
            )
        else:
            rows.append(_row(key, va, vb))
    return rows


_MISSING = object()
_SUMMARY = object()  # a nested object whose fields follow on their own rows


def _union(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    return [*a, *(k for k in b if k not in a)]


def _row(field: str, va: Any, vb: Any, kind: str | None = None) -> dict[str, Any]:
    if kind is None:
        if va is _MISSING:
            kind = "only_b"
        elif vb is _MISSING:
            kind = "only_a"
        else:
            kind = "same" if va == vb else "changed"
    return {
        "field": field,
        "nested": "." in field,
        "a": _show(va),
        "b": _show(vb),
        "kind": kind,
        "differs": kind != "same",
    }


def _show(value: Any) -> str | None:
    if value is _MISSING:
        return None
    if value is _SUMMARY:
        return "{…}"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def _integration(trace: Mapping[str, Any]) -> Mapping[str, Any]:
    step = next((s for s in trace["steps"] if s["stage"] == "integration"), None)
    return (step or {}).get("detail") or {}


def _total_ms(trace: Mapping[str, Any]) -> float:
    return round(sum(float(s.get("duration_ms") or 0) for s in trace["steps"]), 3)
