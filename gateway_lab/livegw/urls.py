"""Live gateway URLs. ``/gw/<api-id>/<stage>/...`` mirrors ``https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/...``;
the HTTP side of the live gateway (any other path under a stage) will slot in after ``@connections``."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "livegw"

urlpatterns = [
    path("ws-demo/", views.demo, name="demo"),
    path("ws-demo/prices", views.current_prices, name="prices"),
    path("ws-demo/connections/<slug:api_id>/<str:stage>", views.connection_list, name="connections-list"),
    path(
        "gw/<slug:api_id>/<str:stage>/@connections/<str:connection_id>", views.connections, name="connections"
    ),
]
