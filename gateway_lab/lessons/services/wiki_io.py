"""Export pages as a zip of Markdown with front matter, and import such a zip back (issue 13).

One file per page and language: ``<language>/<slug>.md``. The front matter holds everything a page
is besides its body (slug, language, title, summary, order, presets, facts, updated and the extra
keys kept in ``meta``), so export → import → export gives the same files. Imports write through
``lesson_revise``/``lesson_create``: an imported change is a new revision, never a silent overwrite.

The images a page shows (wiki attachments, ``/lessons/wiki/attachments/<id>/``) travel with it as
``attachments/<id>/<name>``: importing the zip where that attachment is missing or different stores
the image again (attachment rules unchanged) and points the page at the new one. Other files of the
zip are the assets of Hexo notes (``<note-name>/diagram.png``, services/notes.py).

The zip is read with bounds (entries, bytes per entry, bytes in all), whatever its headers claim,
and the front matter goes through the notes importer's checks (size, node count, no YAML aliases).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import yaml
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse

from .. import content
from ..importer import MAX_FRONT_MATTER_BYTES, _check_front_matter, _check_meta, _json_safe
from ..models import Lesson, LessonAttachment, Source
from .attachments import MAX_ATTACHMENT_BYTES, attachment_add
from .notes import AssetLookup, files_lookup, is_note, notes_import
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
    notices: tuple[Any, ...] = ()  # a note's hexo.Notice items (unknown tags, images not attached)


def _attachment_urls() -> re.Pattern[str]:
    """``/lessons/wiki/attachments/<id>/`` as the site writes it, with the id as group 1."""
    prefix, _, suffix = reverse("lessons:attachment", args=[0]).rpartition("0")
    return re.compile(re.escape(prefix) + r"(\d+)" + re.escape(suffix))


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
    """A zip with ``<language>/<slug>.md`` per lesson and ``attachments/<id>/<name>`` per image they
    show (fixed timestamps: same pages, same bytes)."""
    buffer = io.BytesIO()
    urls, shown = _attachment_urls(), set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for lesson in lessons:
            _write(archive, f"{lesson.language}/{lesson.slug}.md", page_markdown(lesson).encode())
            shown.update(int(pk) for pk in urls.findall(lesson.body))
        for attachment in LessonAttachment.objects.filter(pk__in=shown).order_by("pk"):
            try:
                with attachment.file.open("rb") as handle:
                    data = handle.read()
            except OSError:  # the file is gone from MEDIA_ROOT: the page still exports
                continue
            _write(archive, f"attachments/{attachment.pk}/{attachment.name}", data)
    return buffer.getvalue()


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


# --- Import ----------------------------------------------------------------------------------------
def _entries(data: bytes) -> list[tuple[str, bytes]]:
    """Every file of the zip, read with bounds: Markdown up to a page's size, others up to an image's."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise WikiError("This is not a zip file.", field="archive") from exc
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(infos) > MAX_ENTRIES:
        raise WikiError(f"The zip holds more than {MAX_ENTRIES} files.", field="archive")
    found, total = [], 0
    for info in infos:
        limit = MAX_ENTRY_BYTES if is_note(info.filename) else MAX_ATTACHMENT_BYTES
        with archive.open(info) as handle:
            raw = handle.read(limit + 1)  # bounded whatever the header says
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


def _with_images(body: str, *, slug: str, files: dict[str, bytes], author: AbstractBaseUser | None) -> str:
    """Point the page's images at attachments holding the zip's bytes, storing those that are missing."""
    urls = _attachment_urls()
    shipped = {}
    for path, data in files.items():
        parts = path.replace("\\", "/").split("/")
        if len(parts) == 3 and parts[0] == "attachments" and parts[1].isdigit():
            shipped[int(parts[1])] = (parts[2], data)

    def swap(match: re.Match[str]) -> str:
        pk = int(match.group(1))
        if pk not in shipped:
            return match.group(0)
        name, data = shipped[pk]
        sha256 = hashlib.sha256(data).hexdigest()
        same = LessonAttachment.objects.filter(pk=pk, sha256=sha256).exists()
        if same:
            return match.group(0)
        attachment = LessonAttachment.objects.filter(slug=slug, sha256=sha256).first() or attachment_add(
            slug=slug, name=name, data=data, author=author
        )
        return reverse("lessons:attachment", args=[attachment.pk])

    return urls.sub(swap, body)


@transaction.atomic
def _import_page(
    name: str, raw: bytes, *, author: AbstractBaseUser | None, files: dict[str, bytes] | None = None
) -> PageResult:
    meta, body = _parse(name, raw)
    slug, language, title = str(meta["slug"]).strip(), meta["language"], str(meta["title"]).strip()
    body = _with_images(body, slug=slug, files=files or {}, author=author)
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


def _import_note(name: str, raw: bytes, assets: AssetLookup) -> PageResult:
    """A Hexo/Jekyll note: the notes importer's conversion and bounds, unchanged (services/notes.py)."""
    result = notes_import(name=name, data=raw, assets=assets)
    error = f"{name}:{result.line}: {result.error}" if result.line else result.error
    return PageResult(
        name=name,
        ok=result.ok,
        slug=result.slug,
        language=result.language,
        action=result.action,
        error=error,
        notices=result.notices,
    )


def import_zip(*, data: bytes, author: AbstractBaseUser | None) -> list[PageResult]:
    """Import every Markdown file of the zip: exported pages as revisions, other files as study notes.

    One result per file; a bad file saves nothing.
    """
    results = []
    entries = _entries(data)
    files = {name: raw for name, raw in entries if not is_note(name)}
    assets = files_lookup(files)
    for name, raw in entries:
        if not is_note(name):
            continue  # an image: used by the pages and notes that name it
        if not _is_exported_page(raw):
            results.append(_import_note(name, raw, assets))
            continue
        try:
            results.append(_import_page(name, raw, author=author, files=files))
        except content.ContentError as exc:
            results.append(PageResult(name=name, ok=False, error=str(exc)))
        except (WikiError, RevisionConflict) as exc:
            results.append(PageResult(name=name, ok=False, error=str(exc)))
    return results
