"""Load a ``backup`` file into a migrated database, then rebuild what the backup leaves out.

The search index (lesson sections) is rebuilt from the restored lessons; run it on an empty,
migrated database (``migrate`` first). ``--flush`` empties the database before loading.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gateway_lab.lessons.models import Lesson
from gateway_lab.lessons.services.course import lesson_render


class Command(BaseCommand):
    help = "Restore a `backup` file (.json or .json.gz) into this (migrated) database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--flush", action="store_true", help="delete all data before loading")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"no such file: {path}")
        if options["flush"]:
            call_command("flush", interactive=False, verbosity=0)
        with tempfile.TemporaryDirectory() as folder:
            plain = Path(folder) / "backup.json"
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as source, plain.open("wb") as target:
                shutil.copyfileobj(source, target)
            with transaction.atomic():
                call_command("loaddata", str(plain), verbosity=0)
                for lesson in Lesson.objects.all():
                    lesson_render(lesson=lesson)
        self.stdout.write(f"Restored {path}")
