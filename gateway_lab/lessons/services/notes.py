"""Import study notes (Hexo/Jekyll Markdown) as lessons, one transaction per file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .. import content
from ..importer import ImportedNote, note_convert
from ..models import Lesson, Source
from ..rendering import render_markdown
from .course import lesson_render


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


@transaction.atomic
def _save_note(note: ImportedNote, *, name: str) -> ImportResult:
    slug = _import_slug(note)
    lesson = Lesson.objects.filter(slug=slug, language=note.language).first()
    action = (
        "unchanged" if lesson and lesson.source_hash == note.digest else ("updated" if lesson else "created")
    )
    lesson = lesson or Lesson(slug=slug, language=note.language, order=1000, revision=0, source=Source.IMPORT)
    if action != "unchanged":
        lesson.title, lesson.body, lesson.revision = note.title, note.body, lesson.revision + 1
        lesson.meta = {**note.meta, "key_terms": note.key_terms}
        lesson.source_path, lesson.source_hash = name, note.digest
        lesson.save()
        lesson_render(lesson=lesson)
    rendered = render_markdown(note.body, language=note.language)
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
            data = path.read_bytes()
        except OSError as exc:
            results.append(
                ImportResult(name=str(path), ok=False, error=f"cannot read: {exc.strerror}", line=0)
            )
            continue
        results.append(notes_import(name=str(path), data=data))
    return results
