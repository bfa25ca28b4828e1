"""Write the site's data (accounts, roles, lessons with their history, progress, …) to a JSON file.

Django's ``dumpdata`` with natural keys and without tables that ``migrate`` rebuilds (content types,
permissions) or that are transient (sessions), so ``restore`` loads it into a freshly migrated
database of the same version, SQLite or PostgreSQL alike. Media files (``MEDIA_ROOT``) are copied
separately (docs/self-hosting.md).
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "lessons.lessonsection"]


class Command(BaseCommand):
    help = "Back up the database to a JSON file (.json or .json.gz); restore it with `restore`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "wt", encoding="utf-8") as handle:
            call_command(
                "dumpdata",
                natural_foreign=True,
                natural_primary=True,
                exclude=EXCLUDE,
                indent=None,
                stdout=handle,
                verbosity=0,
            )
        self.stdout.write(f"Backed up to {path}")
