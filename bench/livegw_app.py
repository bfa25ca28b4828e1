"""One ASGI app for bench/livegw.py: the project (live gateway + Django) plus two reference routes.

- ``/bench/raw``: a raw ASGI hello-world answered before anything else (the ceiling);
- ``/bench/django-echo``: a bare Django view returning a fixed echo body through the project's own
  Django stack (its middleware): what serving the gateway from a Django view would cost;
- everything else: ``gateway_lab.asgi.application``, so ``/gw/…`` is the live gateway's lean app.

All three run in the same uvicorn process with the same flags.
"""

from __future__ import annotations

import json
import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway_lab.settings")

import django  # noqa: E402

django.setup()  # before the project's URLconf is imported

from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

from gateway_lab import urls as project_urls  # noqa: E402
from gateway_lab.asgi import application as project  # noqa: E402

# About the size of the echo handler's answer to GET /echo/bench (a 2 KB JSON event).
ECHO_BODY = json.dumps(
    {"path": "/echo/bench", "headers": {f"Header-{i}": "x" * 40 for i in range(30)}}
).encode()
RAW_HEADERS = [(b"content-type", b"text/plain"), (b"content-length", b"13")]


def django_echo(request: HttpRequest) -> HttpResponse:
    return HttpResponse(ECHO_BODY, content_type="application/json")


project_urls.urlpatterns.append(path("bench/django-echo", django_echo))


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope["path"] == "/bench/raw":
        await send({"type": "http.response.start", "status": 200, "headers": RAW_HEADERS})
        await send({"type": "http.response.body", "body": b"Hello, world!"})
        return
    await project(scope, receive, send)
