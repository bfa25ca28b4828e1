"""WebSocket routes of the live gateway and of the WebSocket demo page.

Two lists, because they face two kinds of client:

- ``gateway_websocket_urlpatterns``: ``/gw/<api-id>/<stage>`` behaves like an API Gateway WebSocket API,
  which does not check ``Origin`` (authorization happens at ``$connect``: IAM, a Lambda authorizer,
  API keys). Plain clients — ``python -m websockets``, wscat, SDKs — send no ``Origin`` at all, and these
  consumers read no session: only the demo's viewer cookie (``viewers.py``; SameSite=Lax, so never
  sent by another site's page), and traces shown to others are redacted.
- ``site_websocket_urlpatterns``: feeds that only this site's own pages open; they may know who is
  signed in, so they keep Channels' origin check and get the session.
"""

from __future__ import annotations

from django.urls import path

from . import consumers

gateway_websocket_urlpatterns = [
    path("gw/<slug:api_id>/<str:stage>", consumers.GatewayConsumer.as_asgi()),
]

site_websocket_urlpatterns = [
    path("ws-demo/traces/<slug:api_id>/<str:stage>", consumers.TraceLogConsumer.as_asgi()),
]
