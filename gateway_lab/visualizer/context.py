"""Assemble the visualizer page's context from the URL state (one function per panel)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gateway_lab.engine.trace import trace_to_dict

from . import presenters, runs, session, svg
from .forms import VisualizerForm
from .lab_services import lab_stores
from .lesson_refs import lesson_refs
from .pricing import compare_costs


@dataclass(frozen=True, slots=True, kw_only=True)
class State:
    """The canonical URL state: every link on the page is built from it."""

    query: QueryDict
    data: Mapping[str, Any]
    sends: list[runs.Send]
    clock_s: float
    req: int
    run: runs.Run
    requests: list[dict[str, Any]]

    def href(self, **changes: Any) -> str:
        """Return ``?…`` with ``changes`` applied (None removes a parameter; lists replace)."""
        query = self.query.copy()
        for key, value in changes.items():
            if value is None:
                query.pop(key, None)
            elif isinstance(value, list):
                query.setlist(key, [str(v) for v in value])
            else:
                query[key] = str(value)
        return "?" + query.urlencode()

    def href_prefix(self, *drop: str) -> str:
        """Return ``?…&`` without ``drop``, to append one changing parameter cheaply (1,000 timeline links)."""
        query = _without(self.query, *drop)
        return "?" + (query.urlencode() + "&" if query else "")

    def hidden(self, *exclude: str) -> list[tuple[str, str]]:
        """Return (name, value) of every URL parameter but ``exclude``: a GET form's hidden inputs."""
        return hidden_inputs(self.query, exclude)


def hidden_inputs(query: QueryDict, exclude: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return (name, value) of every parameter in ``query`` but ``exclude``."""
    return [(key, value) for key, values in query.lists() if key not in exclude for value in values]


VIEW_KEYS = ("req", "step", "guess")  # where the learner is; a new run starts over


def forms_data(form: VisualizerForm, query: QueryDict) -> dict[str, Any]:
    """Return the picker's groups and each GET form's hidden inputs (the URL state it must carry on)."""
    groups = [(g, opts) for g, opts in form.fields["preset"].choices if isinstance(opts, list | tuple)]
    return {
        "picker": {"groups": groups, "current": form["preset"].value() or ""},
        "builder_hidden": hidden_inputs(query, (*form.field_names(), *VIEW_KEYS, "build")),
        "burst_hidden": hidden_inputs(query, ("count", "over", *VIEW_KEYS)),
        "scrub_hidden": hidden_inputs(query, VIEW_KEYS),
        "compare_hidden": hidden_inputs(query, ("compare", "volume", "size_kb", "guess")),
    }


def resolve(request: HttpRequest, form: VisualizerForm) -> State:
    """Fold a "send" form submission into the ``s`` list, then run the scenario the URL describes."""
    data = form.cleaned_data
    query = request.GET.copy()
    sends = runs.parse_sends(query.getlist("s"))
    clock = data.get("at") or 0.0
    if data.get("count"):
        over = data.get("over") or 0.0
        sends = runs.parse_sends(
            [*map(runs.format_send, sends), runs.format_send((clock, data["count"], over))]
        )
        clock += over
        for key in ("count", "over", "req", "step"):
            query.pop(key, None)
        query.setlist("s", [runs.format_send(s) for s in sends])
        query["at"] = f"{clock:g}"
    scenario = runs.build_scenario(data, form.overrides())
    requests = runs.requests_for(scenario, data, sends)
    refused = runs.credential_errors(scenario, data)
    if refused:
        run = runs.Run(scenario=scenario, simulation=None, errors=refused)
    else:
        run = runs.run(scenario, requests, client=runs.client_for(data, scenario))
    return State(
        query=query,
        data=data,
        sends=sends,
        clock_s=clock,
        req=data.get("req") or 0,
        run=run,
        requests=requests,
    )


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
    trace = trace_to_dict(simulation.traces[req])
    refs = lesson_refs([*_anchors(preset), *(s.get("lesson") for s in trace["steps"])], language=_language())
    view = presenters.trace_view(
        trace, step=state.data.get("step"), href_for=lambda n: state.href(step=n, guess=None), lessons=refs
    )
    data.update(
        preset_lessons=_preset_lessons(preset, refs),
        req=req,
        request_entry=simulation.timeline[req],
        trace=trace,
        view=view,
        controls=_controls(state, view, len(simulation.traces)),
        diagram=mark_safe(svg.pipeline_svg(view.nodes, label=_("Pipeline stages"))),  # noqa: S308 - escaped in svg.py
        # Phones get the same stages in rows of four: one 10-box row would shrink the text to 4 px.
        diagram_rows=mark_safe(svg.pipeline_svg(view.nodes, label=_("Pipeline stages"), per_row=4)),  # noqa: S308
        predict=_predict(state, view),
        summary=simulation.summary,
        request_count=len(simulation.traces),
        lab_services=lab_stores(simulation.services),
    )
    if _htmx_target(request) != "trace":  # a step partial draws no chart: skip its 1,000 marks
        data["timeline"] = _timeline(state, simulation, req)
    if session.is_session(simulation.timeline):  # a WebSocket API: the engine played a session
        prefix = state.href_prefix("req", "step", "guess")
        data["session"] = session.session_rows(
            simulation.timeline, selected=req, href_for=lambda i: f"{prefix}req={i}"
        )
    if state.data.get("compare"):
        data["compare"] = _compare(state, req)
    return data


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
        "restart": "?" + _without(state.query, "s", "at", "req", "step", "guess").urlencode(),
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


def _without(query: QueryDict, *keys: str) -> QueryDict:
    copy = query.copy()
    for key in keys:
        copy.pop(key, None)
    return copy


def _timeline(state: State, simulation: Any, selected: int) -> dict[str, Any] | None:
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


def _compare(state: State, req: int) -> dict[str, Any]:
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
