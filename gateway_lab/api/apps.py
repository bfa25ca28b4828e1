from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gateway_lab.api"
    label = "gateway_lab_api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from .services import release_memory_if_pending

        # A 10,000-request simulation leaves freed pages behind: give them back after the answer is sent.
        request_finished.connect(release_memory_if_pending, dispatch_uid="gateway_lab_api_release_memory")
