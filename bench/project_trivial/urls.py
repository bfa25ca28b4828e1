"""The project's URLs plus ``/bench/trivial`` (answers ``ok``, as the minimal project's view does)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), path("", include("gateway_lab.urls"))]
