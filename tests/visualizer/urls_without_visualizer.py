"""A URLconf without the visualizer: what a broken install looks like (tests/visualizer/test_fallbacks.py)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from gateway_lab.urls import urlpatterns as site_patterns


def _not_visualizer(pattern: URLPattern | URLResolver) -> bool:
    return getattr(pattern, "namespace", None) != "visualizer"


urlpatterns = [p for p in site_patterns if _not_visualizer(p)]
