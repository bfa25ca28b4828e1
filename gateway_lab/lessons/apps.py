from __future__ import annotations

from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "gateway_lab.lessons"
    label = "lessons"
    verbose_name = "Lessons"

    def ready(self) -> None:
        # Connects the sign-in receiver that moves a browser's progress onto the account.
        from . import receivers  # noqa: F401
