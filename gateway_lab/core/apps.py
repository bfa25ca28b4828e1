from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gateway_lab.core"
    label = "core"
    verbose_name = "Gateway Lab"
