"""Create the wiki roles (reader, editor, presenter, admin) as groups with permissions; idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gateway_lab.lessons.roles import roles_ensure


class Command(BaseCommand):
    help = "Create or update the groups reader, editor, presenter and admin with their permissions."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = roles_ensure()
        if options.get("verbosity", 1):
            self.stdout.write(", ".join(f"{role}: {count} permissions" for role, count in counts.items()))
