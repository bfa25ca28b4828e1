"""Assemble the visualizer page's context from the URL state (one function per panel).

The URL state lives in ``state``; the timeline and comparison panels in ``timeline_context`` and
``compare_context``. ``resolve``, ``forms_data`` and ``State`` are re-exported for the views.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gateway_lab.engine.trace import trace_to_dict

from . import presenters, runs, session, svg
from .compare_context import compare_data
from .forms import VisualizerForm
from .lab_services import lab_stores
from .lesson_refs import lesson_refs
from .state import VIEW_KEYS, State, forms_data, hidden_inputs, resolve, without
from .timeline_context import timeline_data

__all__ = ["VIEW_KEYS", "State", "forms_data", "hidden_inputs", "page_data", "resolve"]


def page_data(request: HttpRequest, form: VisualizerForm) -> dict[str, Any]:
    """Return the whole page's context."""
    state = resolve(request, form)
    preset = state.run.scenario.preset
    data: dict[str, Any] = {
        "form": form,
        "fieldsets": form.fieldsets(),
        "state": state,
        "run": state.run,
        "scenario": state.run.scenario,
        "preset": preset,
        "preset_text": {k: runs.localised((preset or {}).get(k)) for k in ("title", "description", "notice")},
        "builder_open": bool(state.data.get("build")),
        **forms_data(form, state.query),
    }
    simulation = state.run.simulation
    if simulation is None:
        data["preset_lessons"] = _preset_lessons(preset, lesson_refs(_anchors(preset), language=_language()))
        return data
    req = min(state.req, len(simulation.traces) - 1)
    data.update(_trace_data(state, simulation, req))
    if _htmx_target(request) != "trace":  # a step partial draws no chart: skip its 1,000 marks
        data["timeline"] = timeline_data(state, simulation, req)
    if session.is_session(simulation.timeline):  # a WebSocket API: the engine played a session
        prefix = state.href_prefix("req", "step", "guess")
        data["session"] = session.session_rows(
            simulation.timeline, selected=req, href_for=lambda i: f"{prefix}req={i}"
        )
    if state.data.get("compare"):
        data["compare"] = compare_data(state, req)
    return data


def _trace_data(state: State, simulation: Any, req: int) -> dict[str, Any]:
    """Return the selected request's trace, its step view, diagram, controls and summary."""
    preset = state.run.scenario.preset
    trace = trace_to_dict(simulation.traces[req])
    refs = lesson_refs([*_anchors(preset), *(s.get("lesson") for s in trace["steps"])], language=_language())
    view = presenters.trace_view(
        trace, step=state.data.get("step"), href_for=lambda n: state.href(step=n, guess=None), lessons=refs
    )
    return {
        "preset_lessons": _preset_lessons(preset, refs),
        "req": req,
        "request_entry": simulation.timeline[req],
        "trace": trace,
        "view": view,
        "controls": _controls(state, view, len(simulation.traces)),
        "diagram": mark_safe(svg.pipeline_svg(view.nodes, label=_("Pipeline stages"))),  # noqa: S308 - escaped in svg.py
        # Phones get the same stages in rows of four: one 10-box row would shrink the text to 4 px.
        "diagram_rows": mark_safe(svg.pipeline_svg(view.nodes, label=_("Pipeline stages"), per_row=4)),  # noqa: S308
        "predict": _predict(state, view),
        "summary": simulation.summary,
        "request_count": len(simulation.traces),
        "lab_services": lab_stores(simulation.services),
    }


def _htmx_target(request: HttpRequest) -> str | None:
    htmx = getattr(request, "htmx", None)
    return htmx.target if htmx else None


def _language() -> str:
    return get_language() or "en"


def _anchors(preset: Mapping[str, Any] | None) -> list[str]:
    return list((preset or {}).get("lessons") or [])


def _preset_lessons(preset: Mapping[str, Any] | None, refs: Mapping[str, Any]) -> list[Any]:
    return [refs[a] for a in _anchors(preset) if a in refs]


def _controls(state: State, view: presenters.TraceView, total_requests: int) -> dict[str, Any]:
    step, last = view.step, len(view.steps)
    return {
        "first": state.href(step=1, guess=None),
        "last": state.href(step=last, guess=None),
        "prev": state.href(step=step - 1, guess=None) if step > 1 else None,
        "next": state.href(step=step + 1, guess=None) if step < last else None,
        "restart": "?" + without(state.query, "s", "at", "req", "step", "guess").urlencode(),
        "advance": state.href(at=f"{state.clock_s + 1:g}", step=None, guess=None),
        "send_one": state.href(
            s=[*map(runs.format_send, state.sends), runs.format_send((state.clock_s, 1, 0))],
            req=sum(s[1] for s in state.sends),
            step=None,
            guess=None,
        ),
        "predict_toggle": state.href(predict=None if state.data.get("predict") else "on", guess=None),
        "prev_request": state.href(req=state.req - 1, step=None) if state.req > 0 else None,
        "next_request": state.href(req=state.req + 1, step=None) if state.req < total_requests - 1 else None,
        "export": "export.json" + state.href(),
        "permalink": state.href(step=step),
    }


def _predict(state: State, view: presenters.TraceView) -> dict[str, Any] | None:
    if not state.data.get("predict"):
        return None
    upcoming = view.upcoming
    guess = state.data.get("guess")
    feedback = None
    if guess:
        actual = view.current.outcome
        feedback = {"guess": guess, "actual": actual, "right": guess == actual}
    choices = (
        []
        if upcoming is None
        else [
            (outcome, str(presenters.OUTCOME_LABELS[outcome]), state.href(step=view.step + 1, guess=outcome))
            for outcome in ("pass", "reject", "hit", "miss", "skip", "error")
        ]
    )
    return {"upcoming": upcoming, "choices": choices, "feedback": feedback}
