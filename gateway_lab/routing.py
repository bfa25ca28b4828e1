"""WebSocket URL patterns (the live gateway and classroom consumers add theirs here)."""

from __future__ import annotations

from django.urls import URLPattern

from gateway_lab.livegw.routing import websocket_urlpatterns as livegw_websocket_urlpatterns

websocket_urlpatterns: list[URLPattern] = []
websocket_urlpatterns += livegw_websocket_urlpatterns
