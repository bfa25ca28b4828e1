"""WebSocket routes of the live gateway (appended to ``gateway_lab.routing.websocket_urlpatterns``)."""

from __future__ import annotations

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("gw/<slug:api_id>/<str:stage>", consumers.GatewayConsumer.as_asgi()),
    path("ws-demo/traces/<slug:api_id>/<str:stage>", consumers.TraceLogConsumer.as_asgi()),
]
