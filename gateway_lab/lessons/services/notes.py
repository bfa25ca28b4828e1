"""Import study notes (Hexo/Jekyll Markdown) as lessons, one transaction per file.

One bad file never stops the others: every file gets its own result, and a file that fails saves
nothing (its transaction is rolled back). A batch can be given a time budget (the upload form does):
files left when it is spent are reported as not imported rather than keeping a worker busy.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .. import content
from ..importer import MAX_NOTE_BYTES, ImportedNote, note_convert
from ..models import Lesson, Source
from ..rendering import Rendered, render_markdown
from ..rendering.links import LinkTargetError
from .course import lesson_render

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportResult:
    name: str
    ok: bool
    slug: str = ""
    language: str = ""
    title: str = ""
    action: str = ""  # "created" | "updated" | "unchanged"
    counts: dict[str, int] = field(default_factory=dict)
    error: str = ""
    line: int = 0


def _import_slug(note: ImportedNote) -> str:
    # A note never overwrites a course or wiki lesson: it takes a "notes-" slug instead.
    taken = (
        Lesson.objects.filter(slug=note.slug, language=note.language).exclude(source=Source.IMPORT).exists()
    )
    return f"notes-{note.slug}"[:100] if taken else note.slug


def _link_line(note: ImportedNote, error: LinkTargetError) -> int:
    """The file's line of a bad link: where its target is written, else where its paragraph starts."""
    for number, line in enumerate(note.source.splitlines()):
        if error.href in line:
            return note.body_line + number
    return note.body_line + error.line


def _render(note: ImportedNote, *, name: str) -> Rendered:
    """Render the note once before anything is saved: a bad link fails the file, not the request."""
    try:
        return render_markdown(note.body, language=note.language)
    except LinkTargetError as exc:
        raise content.ContentError(name, _link_line(note, exc), str(exc)) from exc


@transaction.atomic
def _save_note(note: ImportedNote, *, name: str) -> ImportResult:
    rendered = _render(note, name=name)
    slug = _import_slug(note)
    lesson = Lesson.objects.filter(slug=slug, language=note.language).first()
    action = (
        "unchanged" if lesson and lesson.source_hash == note.digest else ("updated" if lesson else "created")
    )
    lesson = lesson or Lesson(slug=slug, language=note.language, order=1000, revision=0, source=Source.IMPORT)
    if action != "unchanged":
        lesson.title, lesson.body, lesson.revision = note.title, note.body, lesson.revision + 1
        lesson.meta = {**note.meta, "key_terms": note.key_terms}
        lesson.updated = note.updated
        lesson.source_path, lesson.source_hash = name, note.digest
        lesson.save()
        lesson_render(lesson=lesson)
    counts = {**rendered.counts, "sections": len(rendered.sections), "key_terms": len(note.key_terms)}
    return ImportResult(
        name=name, ok=True, slug=slug, language=note.language, title=note.title, action=action, counts=counts
    )


def notes_import(*, name: str, data: bytes) -> ImportResult:
    """Import one note file; on any error nothing from it is saved and the result says where."""
    try:
        note = note_convert(data, name=name)
        return _save_note(note, name=name)
    except content.ContentError as exc:
        return ImportResult(name=name, ok=False, error=exc.message, line=exc.line)
    except Exception as exc:  # one unexpected failure must not stop the other files of a batch
        logger.exception("importing note %s failed", name)
        return ImportResult(name=name, ok=False, error=f"could not be imported ({exc.__class__.__name__})")


def notes_import_files(
    *, files: list[tuple[str, bytes]], budget_s: float | None = None
) -> list[ImportResult]:
    """Import ``(name, data)`` pairs in order, one result each; stop starting files after ``budget_s``."""
    started = time.monotonic()
    results = []
    for name, data in files:
        if budget_s is not None and time.monotonic() - started > budget_s:
            results.append(
                ImportResult(
                    name=name,
                    ok=False,
                    error=f"not imported: this upload used its {budget_s:g} s; upload the rest again",
                )
            )
            continue
        results.append(notes_import(name=name, data=data))
    return results


NOTE_SUFFIXES = (".md", ".markdown", ".txt")


def notes_import_paths(*, paths: list[Path]) -> list[ImportResult]:
    """Import files and folders (recursively: .md, .markdown, .txt); one result per file."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in NOTE_SUFFIXES)
            )
        else:
            files.append(path)
    results = []
    for path in files:
        try:
            # Read no more than one byte past the limit: note_convert then refuses the file by size.
            with path.open("rb") as handle:
                data = handle.read(MAX_NOTE_BYTES + 1)
        except OSError as exc:
            results.append(
                ImportResult(name=str(path), ok=False, error=f"cannot read: {exc.strerror}", line=0)
            )
            continue
        results.append(notes_import(name=str(path), data=data))
    return results
