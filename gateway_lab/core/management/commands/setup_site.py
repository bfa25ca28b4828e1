"""Load content and demo data; safe to run on every start (``make run`` does)."""

from __future__ import annotations

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

# Each step is a management command that an app ships; steps whose app has not landed are skipped.
STEPS: tuple[str, ...] = ("load_lessons", "seed_demo")


class Command(BaseCommand):
    help = "Load lessons and demo APIs idempotently (run after migrate)."

    def handle(self, *args: object, **options: object) -> None:
        available = get_commands()
        for step in STEPS:
            if step in available:
                call_command(step, verbosity=options.get("verbosity", 1))
        self.stdout.write(self.style.SUCCESS("Site content is up to date."))
