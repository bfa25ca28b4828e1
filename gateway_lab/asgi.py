"""ASGI entry point: Django for HTTP (the live gateway's lean app beside it for ``/gw/``), Channels for WebSockets."""

from __future__ import annotations

import gc
import os

from gateway_lab.core.asgi_handler import get_asgi_application  # Django's, fewer thread hops (issue 17)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway_lab.settings")
# Django must be set up before anything imports models or consumers (Channels' sample project).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import re_path

from gateway_lab.core.health import with_health
from gateway_lab.livegw import http_app
from gateway_lab.routing import gateway_websocket_urlpatterns, site_websocket_urlpatterns

# The live gateway's WebSocket APIs accept any client, as API Gateway does (no Origin check: auth is
# at $connect); the site's own feeds check Origin and know the signed-in user.
site_websockets = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(site_websocket_urlpatterns)))


async def http_application(scope, receive, send):  # type: ignore[no-untyped-def]
    """``/gw/…`` (but ``@connections``) to the live gateway's lean ASGI app; everything else to Django."""
    if http_app.is_gateway_path(scope["path"]):
        await http_app.application(scope, receive, send)
    else:
        await django_asgi_app(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": with_health(http_application),  # /healthz answered before Django (core/health.py)
        "websocket": URLRouter([*gateway_websocket_urlpatterns, re_path(r"", site_websockets)]),
    }
)

# What is loaded by now (Django, the apps, the engine: ~115,000 objects) lives as long as the process:
# move it out of the garbage collector's reach, so collections during requests scan only what the
# requests made. A trivial view served ~1.7x faster in-process (issue 17, bench/ceilings.py).
gc.freeze()
