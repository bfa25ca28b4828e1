"""The visualizer page, its htmx partials and the trace export.

Templates: ``visualizer/page.html`` (partials ``trace``, ``timeline``, ``compare``).
Context: ``form``, ``state`` (links built from the URL state), ``run``/``view`` (the selected
request's trace at the current step), ``timeline``, ``compare``. An htmx request that targets one
of the partials gets only that fragment; plain links render the full page, so everything also
works without JavaScript.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gateway_lab.api.ratelimit import rate_limited
from gateway_lab.engine import trace_to_dict

from . import authorization, context, live, picker, state
from .forms import VisualizerForm
from .scenarios import Query

PARTIALS = ("trace", "timeline", "compare")
UNLABELLED = {"step": _("Step"), "req": _("Request"), "guess": _("Prediction"), "build": _("Builder open")}


def _form(query: QueryDict) -> VisualizerForm:
    return VisualizerForm(query, preset_choices=picker.preset_choices())


def _field_errors(form: VisualizerForm) -> list[dict[str, Any]]:
    """Return each invalid field's name, label and messages (in the page's language)."""
    return [
        {
            "name": name,
            "label": str(form.fields[name].label or UNLABELLED.get(name, name))
            if name in form.fields
            else name,
            "messages": [str(m) for m in messages],
        }
        for name, messages in form.errors.items()
    ]


def _valid(form: VisualizerForm) -> bool:
    """Validate the form, the live API it names, then the choices that depend on the API type (an auth it lacks)."""
    if not form.is_valid():
        return False
    if not live.resolve_live(form):
        return False
    query = Query.from_fields(form.cleaned_data, live=form.cleaned_data.get("live_api"))
    problem = authorization.refusal(query)
    if problem:
        form.add_error("auth", problem)
        return False
    return True


@require_GET
@rate_limited("visualizer")  # each view runs simulations: per-client limit, 429 + Retry-After (issue 16)
def page(request: HttpRequest) -> HttpResponse:
    """Render the visualizer at the step, request and clock the URL names.

    A step or request past the end is clamped to the last one. Any other invalid field answers
    400 naming the field and its error, and still shows the page without that field (the picker,
    the default scenario or the preset) so a broken shared link is not a dead end.
    """
    query = state.clamp_query(request.GET)
    form = _form(query)
    if not _valid(form):
        errors = _field_errors(form)
        fallback_query = state.without_fields(query, [e["name"] for e in errors])
        fallback = _form(fallback_query)
        data: dict[str, Any] = {}
        if _valid(fallback):
            data = context.page_data(request, fallback, fallback_query)
        else:  # cannot happen for one form, but never answer 500
            data = context.forms_data(fallback, fallback_query)
        in_builder = any(e["name"] in form.field_names() for e in errors)
        data.update(form=form, fieldsets=form.fieldsets(), invalid=True, field_errors=errors)
        data["builder_open"] = data.get("builder_open") or in_builder
        data.setdefault("picker", context.forms_data(form, query)["picker"])
        return render(request, _template(request, data), data, status=400)
    data = context.page_data(request, form, query)
    return render(request, _template(request, data), data)


def _template(request: HttpRequest, data: dict[str, Any]) -> str:
    """Return the page (or the presenter view), or the htmx partial the request targets."""
    if data.get("presenter") and data.get("view"):
        return "visualizer/present.html"
    template = "visualizer/page.html"
    target = getattr(request, "htmx", None) and request.htmx.target
    if target in PARTIALS:
        template += f"#{target}"
    return template


@require_GET
@rate_limited("visualizer")
def export(request: HttpRequest) -> HttpResponse:
    """Return the selected request's trace as JSON (``trace_to_dict``), as a download."""
    query = state.clamp_query(request.GET)
    form = _form(query)
    if not _valid(form):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    resolved = context.resolve(request, form, query)
    if resolved.run.simulation is None:
        return JsonResponse(
            {"errors": [{"field": f, "message": m} for f, m in resolved.run.errors]}, status=400
        )
    traces = resolved.run.simulation.traces
    index = min(resolved.req, len(traces) - 1)
    response = HttpResponse(
        json.dumps(trace_to_dict(traces[index]), indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="trace-{index + 1}.json"'
    return response
