"""Mounted at ``/api/v1/`` by the project's urls.py: the namespaced API plus the top-level ``api-docs`` page."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("gateway_lab.api.urls")),
    # The header links to reverse("api-docs"), so this name lives outside the "api" namespace.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]
