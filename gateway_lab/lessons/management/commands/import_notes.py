"""Import Hexo/Jekyll-style Markdown notes (files or folders) as lessons, with a per-file report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gateway_lab.lessons.services import notes_import_paths


class Command(BaseCommand):
    help = "Import study notes (YAML front matter with a title, then Markdown); a failed file saves nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="+", type=Path, help="note files or folders (.md, .markdown, .txt)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        results = notes_import_paths(paths=options["paths"])
        for result in results:
            if result.ok:
                counts = ", ".join(
                    f"{value} {name.replace('_', ' ')}" for name, value in result.counts.items()
                )
                self.stdout.write(
                    f"ok     {result.name} → {result.slug} ({result.language}, {result.action}): {counts}"
                )
            else:
                self.stderr.write(f"FAILED {result.name}:{result.line}: {result.error}")
        failed = sum(not r.ok for r in results)
        self.stdout.write(f"{len(results) - failed} imported, {failed} failed.")
        if failed:
            raise CommandError(f"{failed} of {len(results)} file(s) failed; nothing was saved from them")
        if not results:
            raise CommandError("no note files found")
