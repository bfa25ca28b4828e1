from __future__ import annotations

from django.urls import path

from . import views

app_name = "visualizer"

urlpatterns = [
    path("", views.page, name="page"),
    path("export.json", views.export, name="export"),
]
