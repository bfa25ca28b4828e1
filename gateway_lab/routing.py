"""WebSocket URL patterns (the live gateway and classroom consumers add theirs here)."""

from __future__ import annotations

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
