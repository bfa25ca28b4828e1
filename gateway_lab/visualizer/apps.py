from __future__ import annotations

from django.apps import AppConfig


class VisualizerConfig(AppConfig):
    name = "gateway_lab.visualizer"
    verbose_name = "Request-flow visualizer"
