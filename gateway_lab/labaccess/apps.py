from __future__ import annotations

from django.apps import AppConfig


class LabaccessConfig(AppConfig):
    name = "gateway_lab.labaccess"
    label = "labaccess"
    verbose_name = "Lab access (user pools and IAM credentials)"
    default_auto_field = "django.db.models.BigAutoField"
