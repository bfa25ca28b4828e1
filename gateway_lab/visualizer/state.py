"""The visualizer's URL state: parse it, run the scenario it describes, and build links from it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, QueryDict

from gateway_lab.engine import key_request

from .forms import VisualizerForm
from .scenarios import MAX_BURST, Query, Run, Send, format_send, parse_sends_counted, run_for


@dataclass(frozen=True, slots=True, kw_only=True)
class State:
    """The canonical URL state: every link on the page is built from it."""

    query: QueryDict
    data: Mapping[str, Any]
    sends: list[Send]
    clock_s: float
    req: int
    run: Run
    run_query: Query  # what ``run`` is the run of (``scenarios.run_for``): a comparison varies it
    dropped: int = 0  # requests the per-page cap left out of the sends (said on the page)
    focus_stage: str | None = None  # the preset's key stage, when the page opened on its key request
    presenter: bool = False  # ?view=presenter: the projector layout
    hide_skipped: bool = False  # ?hide=skipped (default on in the presenter view; hide=none turns it off)

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
        query = without(self.query, *drop)
        return "?" + (query.urlencode() + "&" if query else "")

    def hidden(self, *exclude: str) -> list[tuple[str, str]]:
        """Return (name, value) of every URL parameter but ``exclude``: a GET form's hidden inputs."""
        return hidden_inputs(self.query, exclude)


def hidden_inputs(query: QueryDict, exclude: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return (name, value) of every parameter in ``query`` but ``exclude``."""
    return [(key, value) for key, values in query.lists() if key not in exclude for value in values]


VIEW_KEYS = ("req", "step", "guess")  # where the learner is; a new run starts over
# Shared links name a place (step, request) that may not exist any more: clamp it into the form's
# range here and to the real last step/request when the page is drawn, instead of refusing the link.
CLAMPED = {"step": (0, 50), "req": (0, MAX_BURST * 2)}


def clamp_query(query: QueryDict) -> QueryDict:
    """Return ``query`` with whole-number ``step``/``req`` values clamped into range (others untouched)."""
    clamped = query.copy()
    for key, (low, high) in CLAMPED.items():
        raw = query.get(key)
        if raw is None or not raw.strip().lstrip("-").isdigit():
            continue
        clamped[key] = str(max(low, min(int(raw), high)))
    return clamped


def without_fields(query: QueryDict, fields: list[str]) -> QueryDict:
    """Return ``query`` without the named fields: what a link with invalid fields can still show."""
    return without(query, *fields)


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


def resolve(request: HttpRequest, form: VisualizerForm, query: QueryDict | None = None) -> State:
    """Fold a "send" form submission into the ``s`` list, then run the scenario the URL describes.

    ``query`` is the URL state to start from (the request's, unless the view cleaned it). A preset
    opened without ``req``, ``step`` and sends opens on its key request (``presets.key_request``).
    """
    data = form.cleaned_data
    query = (request.GET if query is None else query).copy()
    sends, dropped = parse_sends_counted(query.getlist("s"))
    clock = data.get("at") or 0.0
    if data.get("count"):
        over = data.get("over") or 0.0
        sends, dropped = parse_sends_counted(
            [*map(format_send, sends), format_send((clock, data["count"], over))]
        )
        clock += over if not dropped else 0.0
        for key in ("count", "over", "req", "step"):
            query.pop(key, None)
        query.setlist("s", [format_send(s) for s in sends])
        query["at"] = f"{clock:g}"
    run_query = Query.from_fields(data, sends=tuple(sends), live=data.get("live_api"))
    run = run_for(run_query)
    scenario = run.scenario
    req, focus_stage = data.get("req") or 0, None
    # A link that names no step opens at the key stage of the key request; one that names no request
    # either opens on the key request. A shared ?step=N link keeps meaning request 1, and a preset
    # changed in the builder opens where any other run does (its key request may teach nothing now).
    as_authored = not scenario.changes and not run_query.changes_requests
    if scenario.preset and as_authored and data.get("step") is None and not sends and run.simulation:
        key, stage = key_request(scenario.preset, [t.response.status for t in run.simulation.traces])
        if data.get("req") is None:
            req = key
            query["req"] = str(req)  # every link carries the key request on
        focus_stage = stage if req == key else None
    presenter = query.get("view") == "presenter"
    hide = query.get("hide")
    return State(
        query=query,
        data=data,
        sends=sends,
        clock_s=clock,
        req=req,
        run=run,
        run_query=run_query,
        dropped=dropped,
        focus_stage=focus_stage,
        presenter=presenter,
        hide_skipped=hide == "skipped" or (presenter and hide != "none"),
    )


def without(query: QueryDict, *keys: str) -> QueryDict:
    """Return a copy of ``query`` without ``keys``."""
    copy = query.copy()
    for key in keys:
        copy.pop(key, None)
    return copy
