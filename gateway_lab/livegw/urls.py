"""Live gateway URLs. ``/gw/<api-id>/<stage>/...`` mirrors ``https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/...``;
any other path under a stage is the HTTP side, served by ``http_app`` beside Django (``asgi.py``);
``/gw-apis/`` is the API builder (staff and API editors); ``/gw-log/<api-id>/`` lists the live requests of an API and opens their traces."""

from __future__ import annotations

from django.urls import path

from . import builder_views, log_views, stores_views, views

app_name = "livegw"

urlpatterns = [
    path("ws-demo/", views.demo, name="demo"),
    path("ws-demo/prices", views.current_prices, name="prices"),
    path("ws-demo/connections/<slug:api_id>/<str:stage>", views.connection_list, name="connections-list"),
    path("gw-apis/", builder_views.api_list, name="builder"),
    path("gw-apis/<slug:api_id>/", builder_views.api_edit, name="builder-edit"),
    path("gw-apis/<slug:api_id>/releases", builder_views.releases, name="builder-releases"),
    path("gw-apis/<slug:api_id>/delete", builder_views.api_delete, name="builder-delete"),
    path("gw-apis/<slug:api_id>/access", builder_views.access, name="builder-access"),
    path("gw-apis/<slug:api_id>/stages", builder_views.stage_save, name="builder-stage"),
    path("gw-apis/<slug:api_id>/stages/delete", builder_views.stage_delete, name="builder-stage-delete"),
    path("gw-apis/<slug:api_id>/deploy", builder_views.deploy, name="builder-deploy"),
    path("gw-apis/<slug:api_id>/rollback", builder_views.rollback, name="builder-rollback"),
    path("gw-apis/<slug:api_id>/promote", builder_views.promote, name="builder-promote"),
    path("gw-apis/<slug:api_id>/diff", builder_views.diff, name="builder-diff"),
    path("gw-stores/", stores_views.stores_page, name="stores"),
    path("gw-stores/consumer", stores_views.consumer_rate, name="stores-consumer"),
    path("gw-log/<slug:api_id>/", log_views.log_page, name="log"),
    path("gw-log/<slug:api_id>/trace/<path:request_id>", log_views.log_trace, name="log-trace"),
    path(
        "gw/<slug:api_id>/<str:stage>/@connections/<str:connection_id>", views.connections, name="connections"
    ),
]
