"""Live gateway URLs. ``/gw/<api-id>/<stage>/...`` mirrors ``https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/...``;
any other path under a stage is the HTTP side, served by ``http_app`` beside Django (``asgi.py``);
``/gw-log/<api-id>/`` lists the live requests of an API and opens their traces."""

from __future__ import annotations

from django.urls import path

from . import log_views, views

app_name = "livegw"

urlpatterns = [
    path("ws-demo/", views.demo, name="demo"),
    path("ws-demo/prices", views.current_prices, name="prices"),
    path("ws-demo/connections/<slug:api_id>/<str:stage>", views.connection_list, name="connections-list"),
    path("gw-log/<slug:api_id>/", log_views.log_page, name="log"),
    path("gw-log/<slug:api_id>/trace/<path:request_id>", log_views.log_trace, name="log-trace"),
    path(
        "gw/<slug:api_id>/<str:stage>/@connections/<str:connection_id>", views.connections, name="connections"
    ),
]
