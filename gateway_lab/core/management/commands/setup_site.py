"""Load content and demo data; safe to run on every start (``make run`` does)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

# The lessons (content/ → database) and the demo APIs with DESIGN.md's fixed ids; both idempotent.
STEPS: tuple[str, ...] = ("load_lessons", "seed_demo", "setup_roles")  # roles: issue 13


class Command(BaseCommand):
    help = "Load lessons and demo APIs idempotently (run after migrate)."

    def handle(self, *args: object, **options: object) -> None:
        for step in STEPS:
            call_command(step, verbosity=options.get("verbosity", 1))
        self.stdout.write(self.style.SUCCESS("Site content is up to date."))
