"""The visualizer page, its htmx partials and the trace export.

Templates: ``visualizer/page.html`` (partials ``trace``, ``timeline``, ``compare``).
Context: ``form``, ``state`` (links built from the URL state), ``run``/``view`` (the selected
request's trace at the current step), ``timeline``, ``compare``. An htmx request that targets one
of the partials gets only that fragment; plain links render the full page, so everything also
works without JavaScript.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gateway_lab.engine.trace import trace_to_dict

from . import authorization, context, runs
from .forms import VisualizerForm

PARTIALS = ("trace", "timeline", "compare")


def _form(request: HttpRequest) -> VisualizerForm:
    return VisualizerForm(request.GET, preset_choices=runs.preset_choices())


def _valid(form: VisualizerForm) -> bool:
    """Validate the form, then the choices that depend on the preset's API type (an auth it lacks)."""
    if not form.is_valid():
        return False
    auth = form.cleaned_data.get("auth")
    problem = auth and authorization.unsupported(auth, runs.api_type_of(form.cleaned_data))
    if problem:
        form.add_error("auth", problem)
        return False
    return True


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    """Render the visualizer at the step, request and clock the URL names."""
    form = _form(request)
    if not _valid(form):
        return render(
            request,
            "visualizer/page.html",
            {
                "form": form,
                "fieldsets": form.fieldsets(),
                "invalid": True,
                **context.forms_data(form, request.GET),
            },
            status=400,
        )
    data = context.page_data(request, form)
    template = "visualizer/page.html"
    target = getattr(request, "htmx", None) and request.htmx.target
    if target in PARTIALS:
        template += f"#{target}"
    return render(request, template, data)


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """Return the selected request's trace as JSON (``trace_to_dict``), as a download."""
    form = _form(request)
    if not _valid(form):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    state = context.resolve(request, form)
    if state.run.simulation is None:
        return JsonResponse({"errors": [{"field": f, "message": m} for f, m in state.run.errors]}, status=400)
    traces = state.run.simulation.traces
    index = min(state.req, len(traces) - 1)
    response = HttpResponse(
        json.dumps(trace_to_dict(traces[index]), indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="trace-{index + 1}.json"'
    return response
