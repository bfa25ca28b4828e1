"""The live gateway's request log pages: ``/gw-log/<api-id>/`` and one request's trace.

Open to anyone while ``DEBUG`` is on, to staff only otherwise. The list refreshes itself with htmx (``#log-rows`` every 2 s) and filters by status (``?status=429``
or a class such as ``4xx``). Each row opens the request's stored, redacted trace drawn with the
visualizer's presenters, diagram and detail panels ("why did I get a 429?").
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gateway_lab.visualizer import messages, presenters, svg
from gateway_lab.visualizer.labels import STAGE_LABELS
from gateway_lab.visualizer.lesson_refs import lesson_refs
from gateway_lab.visualizer.nodes import diagram_nodes
from gateway_lab.visualizer.outcomes import with_status_classes

from .request_log import LIMIT, request_log

STATUS_FILTER = re.compile(r"^(?:[1-5][0-9]{2}|[1-5]xx)$")


def _guard(request: HttpRequest) -> HttpResponse | None:
    """Anyone while ``DEBUG`` is on (a lab on your machine); staff only on a public server.

    The log holds other people's requests (paths, query strings, addresses, bodies), masked but
    still theirs, like the WebSocket demo's lab credentials (docs/security.md).
    """
    if settings.DEBUG or (request.user.is_authenticated and request.user.is_staff):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _status_matches(status: int, wanted: str) -> bool:
    return str(status) == wanted or (wanted.endswith("xx") and str(status)[0] == wanted[0])


@require_GET
def log_page(request: HttpRequest, api_id: str) -> HttpResponse:
    """List the API's last requests, newest first; ``?status=`` filters (400 when malformed)."""
    if (denied := _guard(request)) is not None:
        return denied
    wanted = (request.GET.get("status") or "").strip().lower()
    errors = []
    if wanted and not STATUS_FILTER.match(wanted):
        errors.append(_("Status must be a code such as 429 or a class such as 4xx."))
    rows = request_log().rows(api_id)
    if wanted and not errors:
        rows = [row for row in rows if _status_matches(int(row["status"]), wanted)]
    for row in rows:  # the deciding stage and its title in the page's language
        stage = row.get("decided_by") or ""
        row["decided_label"] = str(STAGE_LABELS.get(stage, stage))
        step = {"title": row.get("decided_title", ""), "messages": {"title": row.get("decided_msg")}}
        row["decided_text"] = messages.step_texts(step)[0] if stage else ""
    data = {
        "api_id": api_id,
        "rows": rows,
        "status_filter": wanted if not errors else "",
        "errors": errors,
        "limit": LIMIT,
        "filters": ("", "2xx", "4xx", "5xx", "429", "403", "502", "504"),
        "example": f"/gw/{api_id}/",
    }
    template = "livegw/log.html"
    if getattr(request, "htmx", None) and request.htmx.target == "log-rows":
        template += "#rows"
    return render(request, template, data, status=400 if errors else 200)


@require_GET
def log_trace(request: HttpRequest, api_id: str, request_id: str) -> HttpResponse:
    """Show one stored request's trace the way the visualizer draws it (``?step=``; ``?format=json``)."""
    if (denied := _guard(request)) is not None:
        return denied
    entry = request_log().entry(api_id, request_id)
    if entry is None:
        raise Http404(_("No such request in this API's log (it keeps the last %(n)d).") % {"n": LIMIT})
    trace = entry["trace"]
    if request.GET.get("format") == "json":
        response = HttpResponse(json.dumps(trace, indent=2), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="trace-{request_id[:16]}.json"'
        return response
    raw_step = request.GET.get("step", "")
    step = int(raw_step) if raw_step.isdigit() else None
    refs = lesson_refs([s.get("lesson") for s in trace["steps"]], language=get_language() or "en")
    href_for = lambda n: f"?step={n}"  # noqa: E731 - one link rule for steps and diagram nodes
    if step is None:  # open at the stage that decided the answer ("why did I get a 429?"), else the response
        outcomes = [s.get("outcome") for s in trace["steps"]]
        decided = next((i for i, o in enumerate(outcomes, start=1) if o in ("reject", "error")), None)
        step = decided or len(outcomes)
    view = presenters.trace_view(trace, step=step, href_for=href_for, lessons=refs)
    steps = with_status_classes(view.steps, trace["response"])
    view = replace(view, steps=steps, nodes=tuple(diagram_nodes(steps, view.step, href_for)))
    label = _("Pipeline stages")
    data: dict[str, Any] = {
        "api_id": api_id,
        "entry": entry,
        "trace": trace,
        "view": view,
        "diagram": mark_safe(svg.pipeline_svg(view.nodes, label=label)),  # noqa: S308 - escaped in svg.py
        "diagram_rows": mark_safe(svg.pipeline_svg(view.nodes, label=label, per_row=4)),  # noqa: S308
        "request_headers": sorted((entry.get("request") or {}).get("headers", {}).items()),
    }
    return render(request, "livegw/log_trace.html", data)
