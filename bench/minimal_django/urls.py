"""The minimal project's one URL: ``/bench/trivial`` answers ``ok``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial)]
