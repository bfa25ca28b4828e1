"""Export pages as a zip of Markdown with front matter, and import such a zip back (issue 13).

One file per page and language: ``<language>/<slug>.md``. The front matter holds everything a page
is besides its body (slug, language, title, summary, order, presets, facts, updated and the extra
keys kept in ``meta``), so export → import → export gives the same files. Imports write through
``lesson_revise``/``lesson_create``: an imported change is a new revision, never a silent overwrite.

The zip is read with bounds (entries, bytes per entry, bytes in all), whatever its headers claim,
and the front matter goes through the notes importer's checks (size, node count, no YAML aliases).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Any

import yaml
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .. import content
from ..importer import MAX_FRONT_MATTER_BYTES, _check_front_matter, _check_meta, _json_safe
from ..models import Lesson, Source
from .notes import notes_import
from .revisions import MAX_BODY_BYTES, RevisionConflict, WikiError, lesson_create, lesson_revise

MAX_ENTRIES = 5_000
MAX_ENTRY_BYTES = MAX_BODY_BYTES + MAX_FRONT_MATTER_BYTES + 16
MAX_TOTAL_BYTES = 64 * 1024 * 1024
SETS = {"course": Source.FILE, "imported": Source.IMPORT, "wiki": Source.WIKI}
_FIELDS = ("summary", "order", "presets", "facts", "updated")


@dataclass(frozen=True, slots=True, kw_only=True)
class PageResult:
    name: str
    ok: bool
    slug: str = ""
    language: str = ""
    action: str = ""  # created | updated | unchanged
    error: str = ""


# --- Export ----------------------------------------------------------------------------------------
def page_markdown(lesson: Lesson) -> str:
    """One page as Markdown with YAML front matter."""
    front: dict[str, Any] = {
        "slug": lesson.slug,
        "language": lesson.language,
        "title": lesson.title,
        "summary": lesson.summary,
        "order": lesson.order,
        "presets": list(lesson.presets),
        "facts": list(lesson.facts),
        "updated": lesson.updated,
    }
    front.update({key: value for key, value in sorted(lesson.meta.items()) if key not in front})
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{head}---\n{lesson.body}"


def export_lessons(*, slug: str = "", language: str = "", lesson_set: str = "") -> list[Lesson]:
    """The lessons to export: one page (optionally one language), a set (course/imported/wiki) or all."""
    lessons = Lesson.objects.order_by("order", "slug", "language")
    if slug:
        lessons = lessons.filter(slug=slug)
        if language:
            lessons = lessons.filter(language=language)
    elif lesson_set:
        lessons = lessons.filter(source=SETS[lesson_set])
    return list(lessons)


def export_zip(lessons: list[Lesson]) -> bytes:
    """A zip with ``<language>/<slug>.md`` per lesson (fixed timestamps: same pages, same bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for lesson in lessons:
            info = zipfile.ZipInfo(f"{lesson.language}/{lesson.slug}.md", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, page_markdown(lesson).encode())
    return buffer.getvalue()


# --- Import ----------------------------------------------------------------------------------------
def _entries(data: bytes) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise WikiError("This is not a zip file.", field="archive") from exc
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(infos) > MAX_ENTRIES:
        raise WikiError(f"The zip holds more than {MAX_ENTRIES} files.", field="archive")
    found, total = [], 0
    for info in infos:
        if not info.filename.lower().endswith((".md", ".markdown", ".txt")):
            continue
        with archive.open(info) as handle:
            raw = handle.read(MAX_ENTRY_BYTES + 1)  # bounded whatever the header says
        total += len(raw)
        if total > MAX_TOTAL_BYTES:
            raise WikiError("The zip unpacks to more than 64 MB.", field="archive")
        found.append((info.filename, raw))
    return found


def _parse(name: str, raw: bytes) -> tuple[dict[str, Any], str]:
    if len(raw) > MAX_ENTRY_BYTES:
        raise content.ContentError(name, 1, f"the page is larger than {MAX_BODY_BYTES // 1024} KB")
    text = content.decode_text(raw, path=name)
    _check_front_matter(text, name=name)
    meta, body, _line = content.split_front_matter(text, path=name)
    folder = name.replace("\\", "/").split("/")[-2:-1]
    language = str(meta.pop("language", "") or (folder[0] if folder else "")).strip().lower()
    if language not in content.LANGUAGES:
        raise content.ContentError(name, 2, "front matter needs 'language' (en or zh-hans)")
    meta["language"] = language
    for key in ("slug", "title"):
        if not str(meta.get(key) or "").strip():
            raise content.ContentError(name, 2, f"front matter needs '{key}'")
    return meta, body


def _apply_fields(lesson: Lesson, meta: dict[str, Any], name: str) -> None:
    updated = meta.get("updated")
    lesson.summary = str(meta.get("summary") or "")
    lesson.order = int(meta["order"]) if isinstance(meta.get("order"), int) else lesson.order
    lesson.presets = [str(p) for p in meta.get("presets") or []]
    lesson.facts = [str(f) for f in meta.get("facts") or []]
    lesson.updated = updated if isinstance(updated, dt.date) else None
    extra = _json_safe({k: v for k, v in meta.items() if k not in {*_FIELDS, "slug", "title", "language"}})
    _check_meta(extra, name=name)
    lesson.meta = extra
    lesson.save(update_fields=[*_FIELDS, "meta"])


@transaction.atomic
def _import_page(name: str, raw: bytes, *, author: AbstractBaseUser | None) -> PageResult:
    meta, body = _parse(name, raw)
    slug, language, title = str(meta["slug"]).strip(), meta["language"], str(meta["title"]).strip()
    lesson = Lesson.objects.filter(slug=slug, language=language).first()
    if lesson is None:
        lesson = lesson_create(
            slug=slug, language=language, title=title, body=body, author=author, message=f"imported {name}"
        )
        action = "created"
    elif lesson.body == body and lesson.title == title:
        action = "unchanged"
    else:
        lesson_revise(
            lesson=lesson,
            body=body,
            title=title,
            author=author,
            base_revision=lesson.revision,
            message=f"imported {name}",
        )
        lesson.refresh_from_db()
        action = "updated"
    _apply_fields(lesson, meta, name)
    return PageResult(name=name, ok=True, slug=slug, language=language, action=action)


def _is_exported_page(raw: bytes) -> bool:
    """A page written by ``export_zip`` names its slug and language; anything else is a study note."""
    head = raw[: MAX_FRONT_MATTER_BYTES + 8].decode("utf-8", "replace").split("\n---", 1)[0]
    return head.startswith("---") and "\nslug:" in head and "\nlanguage:" in head


def _import_note(name: str, raw: bytes) -> PageResult:
    """A Hexo/Jekyll note: the notes importer's conversion and bounds, unchanged (services/notes.py)."""
    result = notes_import(name=name, data=raw)
    error = f"{name}:{result.line}: {result.error}" if result.line else result.error
    return PageResult(
        name=name, ok=result.ok, slug=result.slug, language=result.language, action=result.action, error=error
    )


def import_zip(*, data: bytes, author: AbstractBaseUser | None) -> list[PageResult]:
    """Import every Markdown file of the zip: exported pages as revisions, other files as study notes.

    One result per file; a bad file saves nothing.
    """
    results = []
    for name, raw in _entries(data):
        if not _is_exported_page(raw):
            results.append(_import_note(name, raw))
            continue
        try:
            results.append(_import_page(name, raw, author=author))
        except content.ContentError as exc:
            results.append(PageResult(name=name, ok=False, error=str(exc)))
        except (WikiError, RevisionConflict) as exc:
            results.append(PageResult(name=name, ok=False, error=str(exc)))
    return results
