from __future__ import annotations

from django.apps import AppConfig


class LivegwConfig(AppConfig):
    name = "gateway_lab.livegw"
    label = "livegw"
    verbose_name = "Live gateway"
    default_auto_field = "django.db.models.BigAutoField"
