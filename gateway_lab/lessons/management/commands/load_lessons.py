"""Sync lessons, glossary and drills from ``content/`` (idempotent; ``make run`` calls it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gateway_lab.lessons.services import lesson_sync_from_files


class Command(BaseCommand):
    help = "Load content/lessons, content/glossary.yaml and content/drills into the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--root", type=Path, default=settings.BASE_DIR / "content", help="content folder")

    def handle(self, *args: Any, **options: Any) -> None:
        root: Path = options["root"]
        if not root.is_dir():
            raise CommandError(f"{root} is not a folder")
        report = lesson_sync_from_files(root=root)
        for error in report.errors:
            self.stderr.write(f"error: {error}")
        for label in ("created", "updated", "unchanged", "kept", "removed"):
            names = getattr(report, label)
            if names and options["verbosity"] >= (2 if label == "unchanged" else 1):
                self.stdout.write(f"{label}: {', '.join(names)}")
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Lessons: {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged, {len(report.kept)} kept (edited in the wiki), "
                f"{len(report.removed)} removed; {report.glossary} glossary terms; {report.drills} drills."
            )
        if report.errors:
            raise CommandError(f"{len(report.errors)} content file(s) could not be loaded")
