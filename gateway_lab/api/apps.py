from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gateway_lab.api"
    label = "gateway_lab_api"
    verbose_name = "REST API"
