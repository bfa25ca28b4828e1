"""Assemble the visualizer page's context from the URL state (one function per panel).

The URL state lives in ``state``; the timeline and comparison panels in ``timeline_context`` and
``compare_context``. ``resolve``, ``forms_data`` and ``State`` are re-exported for the views.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from gateway_lab.engine import trace_to_dict

from . import presenters, session, svg
from .compare_context import compare_data
from .forms import VisualizerForm
from .lab_services import lab_stores
from .lesson_refs import lesson_refs
from .nodes import diagram_nodes
from .outcomes import choices_for, outcome_label, with_status_classes
from .picker import localised
from .scenarios import MAX_BURST, format_send
from .scenarios.curl import CHANGED, CLIENT, SIGNATURE, curl_for
from .state import VIEW_KEYS, State, forms_data, hidden_inputs, resolve, without
from .timeline_context import timeline_data

__all__ = ["VIEW_KEYS", "State", "forms_data", "hidden_inputs", "page_data", "resolve"]


def page_data(request: HttpRequest, form: VisualizerForm, query: QueryDict | None = None) -> dict[str, Any]:
    """Return the whole page's context (``query``: the URL state, when the view cleaned the request's)."""
    state = resolve(request, form, query)
    preset = state.run.scenario.preset
    data: dict[str, Any] = {
        "form": form,
        "fieldsets": form.fieldsets(),
        "state": state,
        "run": state.run,
        "scenario": state.run.scenario,
        "preset": preset,
        "preset_text": {k: localised((preset or {}).get(k)) for k in ("title", "description", "notice")},
        "builder_open": bool(state.data.get("build")),
        "dropped": state.dropped,
        "max_burst": MAX_BURST,
        "presenter": state.presenter,
        **forms_data(form, state.query),
    }
    simulation = state.run.simulation
    if simulation is None:
        data["preset_lessons"] = _preset_lessons(preset, lesson_refs(_anchors(preset), language=_language()))
        return data
    req = min(state.req, len(simulation.traces) - 1)
    data.update(_trace_data(state, simulation, req))
    data["curl"] = _curl(request, state)
    data["clamped"] = _clamped(request.GET, data["view"], req)  # what the link asked, before clamping
    data["hiding_answer"] = bool(data["predict"]) and not data["view"].finished
    if data["hiding_answer"]:  # the chart, the summary and the other side tell the status
        return data
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
    trace = trace_to_dict(simulation.traces[req], messages=True)
    refs = lesson_refs([*_anchors(preset), *(s.get("lesson") for s in trace["steps"])], language=_language())
    href_for = lambda n: state.href(step=n, guess=None)  # noqa: E731 - one link rule for steps and nodes
    view = presenters.trace_view(trace, step=_opening_step(state, trace), href_for=href_for, lessons=refs)
    steps = with_status_classes(view.steps, trace["response"])
    predicting = bool(state.data.get("predict"))
    view = replace(
        view,
        steps=steps,
        nodes=tuple(
            diagram_nodes(steps, view.step, href_for, hide_skipped=state.hide_skipped, predict=predicting)
        ),
    )
    return {
        "visible_steps": _visible_steps(view, hide_skipped=state.hide_skipped, predict=predicting),
        "hide_skipped": state.hide_skipped,
        "skipped_count": sum(1 for s in steps if s.outcome == "skip"),
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


# Why a live scenario has no "Copy as curl" (scenarios.curl): the live API serves its stage as deployed.
NOT_LIVE_REASONS = {
    CHANGED: _lazy(
        "The builder changed this API, so the live gateway would not answer the same: clear the builder's fields to copy the command."
    ),
    CLIENT: _lazy(
        "curl sends from your own address and Region: clear Client Region, Source IP and VPC endpoint to copy the command."
    ),
    SIGNATURE: _lazy("curl signs correctly or not at all: choose “sign” to copy a signed command."),
}


def _curl(request: HttpRequest, state: State) -> dict[str, Any] | None:
    """Return the live run's curl command for this page's host, or why it has none (None: not a live run)."""
    if state.run.scenario.live is None:  # only a live stage has a command (and needs the page's host)
        return None
    curl = curl_for(state.run, state.run_query, base_url=request.build_absolute_uri("/"))
    if curl is None:
        return None
    return {"command": curl.command, "url": curl.url, "blocked": NOT_LIVE_REASONS.get(curl.blocked)}


def _htmx_target(request: HttpRequest) -> str | None:
    htmx = getattr(request, "htmx", None)
    return htmx.target if htmx else None


def _language() -> str:
    return get_language() or "en"


def _anchors(preset: Mapping[str, Any] | None) -> list[str]:
    return list((preset or {}).get("lessons") or [])


def _preset_lessons(preset: Mapping[str, Any] | None, refs: Mapping[str, Any]) -> list[Any]:
    return [refs[a] for a in _anchors(preset) if a in refs]


def _opening_step(state: State, trace: Mapping[str, Any]) -> int | None:
    """Return the step the URL names or, on a preset's key request, the stage that teaches it.

    In predict mode the page opens one step before that stage, so the learner predicts it.
    """
    if state.data.get("step") is not None or state.focus_stage is None:
        return state.data.get("step")
    stages = [s["stage"] for s in trace["steps"]]
    if state.focus_stage not in stages:
        return None
    number = stages.index(state.focus_stage) + 1
    return max(1, number - 1) if state.data.get("predict") else number


def _visible_steps(
    view: presenters.TraceView, *, hide_skipped: bool, predict: bool
) -> list[presenters.StepView]:
    """Return the event list's steps: no skipped ones when hidden, nothing past the question in predict mode."""
    return [
        s
        for s in view.steps
        if not (hide_skipped and s.outcome == "skip" and s.number != view.step)
        and not (predict and s.number > view.step + 1)
    ]


def _neighbour(view: presenters.TraceView, *, forward: bool, hide_skipped: bool) -> int | None:
    """Return the next (or previous) step number to show: skipped stages are passed over when hidden."""
    numbers = range(view.step + 1, len(view.steps) + 1) if forward else range(view.step - 1, 0, -1)
    for number in numbers:
        if not (hide_skipped and view.steps[number - 1].outcome == "skip"):
            return number
    return None


def _clamped(query: QueryDict, view: presenters.TraceView, req: int) -> list[dict[str, Any]]:
    """Return the place a shared link asked for that does not exist, and what is shown instead."""
    notes = []
    for key, shown in (("step", view.step), ("req", req)):
        raw = (query.get(key) or "").strip()
        if raw.lstrip("-").isdigit() and int(raw) != shown:
            notes.append({"field": key, "asked": raw, "shown": shown + (1 if key == "req" else 0)})
    return notes


def _controls(state: State, view: presenters.TraceView, total_requests: int) -> dict[str, Any]:
    step, last = view.step, len(view.steps)
    hide = state.hide_skipped
    prev_step = _neighbour(view, forward=False, hide_skipped=hide)
    next_step = _neighbour(view, forward=True, hide_skipped=hide)
    presenter_href = state.href(view="presenter", step=step, guess=None)
    return {
        "first": state.href(step=1, guess=None),
        "last": state.href(step=last, guess=None),
        "prev": state.href(step=prev_step, guess=None) if prev_step else None,
        "next": state.href(step=next_step, guess=None) if next_step else None,
        "hide_toggle": state.href(hide="none" if hide else "skipped", step=step, guess=None),
        "presenter": presenter_href,
        "exit_presenter": state.href(view=None, hide=None, step=step, guess=None),
        "restart": "?" + without(state.query, "s", "at", "req", "step", "guess").urlencode(),
        "advance": state.href(at=f"{state.clock_s + 1:g}", step=None, guess=None),
        "send_one": state.href(
            s=[*map(format_send, state.sends), format_send((state.clock_s, 1, 0))],
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
    if guess:
        feedback.update(guess_label=outcome_label(guess), actual_label=outcome_label(feedback["actual"]))
    choices = (
        []
        if upcoming is None
        else [
            (outcome, outcome_label(outcome), state.href(step=view.step + 1, guess=outcome))
            for outcome in choices_for(upcoming.stage)
        ]
    )
    reveal = state.href(step=view.step + 1, guess=None) if upcoming is not None else None
    return {"upcoming": upcoming, "choices": choices, "feedback": feedback, "reveal": reveal}
