from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import apis

app_name = "api"

urlpatterns = [
    path("simulations", apis.SimulationCreateApi.as_view(), name="simulations"),
    path("presets", apis.PresetListApi.as_view(), name="presets"),
    path("presets/<slug:name>", apis.PresetDetailApi.as_view(), name="preset"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
