"""The wiki's WebSocket (a site route: origin-checked, with the session and the signed-in user)."""

from __future__ import annotations

from django.urls import path

from . import consumers

site_websocket_urlpatterns = [
    path("lessons/ws/wiki/<slug:slug>/<str:lang>", consumers.WikiPresenceConsumer.as_asgi()),
]
