"""Home page and health check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import health


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Render the landing page (GET and HEAD).

    Template: ``core/home.html``.
    """
    return render(request, "core/home.html")


@never_cache
@require_safe
async def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database and the channel layer answer (200 when both do, else 503).

    Every probe is bounded (``health.PROBE_TIMEOUT_S``). Under ASGI the server answers ``/healthz``
    before Django (``health.with_health``); this view serves the same report to Django's test client
    and to any setup that routes the request through Django.
    """
    status, body = await health.report()
    return JsonResponse(body, status=status)
