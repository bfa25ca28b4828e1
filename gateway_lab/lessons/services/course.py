"""Sync the course (glossary, lessons, drills) from content files and render lessons."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import translation

from .. import content
from ..models import Drill, GlossaryTerm, Lesson, LessonSection, Source
from ..rendering import GlossaryEntry, render_markdown
from ..rendering.blocks import CALLOUT_KINDS, callout_title

RENDERER_VERSION = "6"  # bump to re-render every lesson after a rendering change


@dataclass(slots=True)
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited in the wiki since: not overwritten
    removed: list[str] = field(default_factory=list)
    drills: int = 0
    glossary: int = 0
    errors: list[str] = field(default_factory=list)


def glossary_entries(*, language: str) -> list[GlossaryEntry]:
    """Return the glossary as the renderer needs it, in ``language``."""
    entries = []
    for term in GlossaryTerm.objects.order_by("key"):
        text = term.terms.get(language) or ""
        definition = term.definitions.get(language) or term.definitions.get("en") or ""
        if text and definition:
            entries.append(GlossaryEntry(key=term.key, term=text, definition=definition))
    return entries


def _fingerprint(entries: list[GlossaryEntry], *, language: str) -> str:
    # The rendered HTML embeds translated labels (callout titles), so a changed catalogue re-renders too.
    with translation.override(language):
        labels = [callout_title(kind) for kind in CALLOUT_KINDS]
    return content.digest(RENDERER_VERSION + repr(entries) + repr(labels))[:32]


def lesson_render(*, lesson: Lesson, glossary: list[GlossaryEntry] | None = None) -> Lesson:
    """Render ``lesson``'s body, store the HTML and rebuild its search sections."""
    entries = glossary if glossary is not None else glossary_entries(language=lesson.language)
    rendered = render_markdown(lesson.body, language=lesson.language, glossary=entries)
    lesson.html, lesson.toc, lesson.reading_minutes = rendered.html, rendered.toc, rendered.reading_minutes
    lesson.rendered_with = _fingerprint(entries, language=lesson.language)
    if lesson.pk is None:
        lesson.save()
    else:
        lesson.save(update_fields=["html", "toc", "reading_minutes", "rendered_with", "modified_at"])
    lesson.sections.all().delete()
    LessonSection.objects.bulk_create(
        LessonSection(
            lesson=lesson, position=i, level=s.level, anchor=s.anchor, heading=s.heading, text=s.text
        )
        for i, s in enumerate(rendered.sections)
    )
    return lesson


def glossary_sync(*, root: Path) -> int:
    """Replace the glossary with ``content/glossary.yaml`` (if present); return the term count."""
    path = root / "glossary.yaml"
    if not path.exists():
        return 0
    items = content.read_yaml_list(path)
    langs = content.LANGUAGES
    GlossaryTerm.objects.exclude(key__in=[str(i.get("key")) for i in items]).delete()
    for item in items:
        definition = item.get("definition") or {}
        GlossaryTerm.objects.update_or_create(
            key=str(item["key"]),
            defaults={
                "terms": {lang: str(item.get(lang) or "") for lang in langs},
                "definitions": {lang: str(definition.get(lang) or "") for lang in langs},
                "lesson": str(item.get("lesson") or ""),
                "aliases": content.glossary_aliases(item),
            },
        )
    return len(items)


def _apply_lesson_file(parsed: content.LessonFile, report: SyncReport) -> None:
    name = f"{parsed.slug} ({parsed.language})"
    lesson = Lesson.objects.filter(slug=parsed.slug, language=parsed.language).first()
    if lesson is not None and lesson.source != Source.FILE:
        report.kept.append(name)
        return
    if lesson is not None and lesson.source_hash == parsed.digest:
        report.unchanged.append(name)
        return
    lesson = lesson or Lesson(slug=parsed.slug, language=parsed.language, revision=0)
    for attr in ("title", "summary", "order", "presets", "facts", "updated", "meta", "body"):
        setattr(lesson, attr, getattr(parsed, attr))
    (report.updated if lesson.pk else report.created).append(name)
    lesson.revision += 1
    lesson.source, lesson.source_path, lesson.source_hash = Source.FILE, parsed.path, parsed.digest
    lesson.rendered_with = ""  # forces the render below
    lesson.save()


@transaction.atomic
def lesson_sync_from_files(*, root: Path) -> SyncReport:
    """Sync glossary, lessons and drills from ``root`` (``content/``) idempotently."""
    report = SyncReport(glossary=glossary_sync(root=root))
    seen: set[tuple[str, str]] = set()
    for path, language in content.lesson_files(root):
        try:
            parsed = content.read_lesson(path, language=language)
        except content.ContentError as exc:
            report.errors.append(str(exc))
            continue
        seen.add((parsed.slug, parsed.language))
        _apply_lesson_file(parsed, report)
    if not report.errors:  # a broken file must not look like a deleted lesson
        for lesson in Lesson.objects.filter(source=Source.FILE):
            if (lesson.slug, lesson.language) not in seen:
                report.removed.append(f"{lesson.slug} ({lesson.language})")
                lesson.delete()
    _render_stale()
    report.drills = drill_sync(root=root, report=report)
    return report


def _render_stale() -> None:
    glossaries = {lang: glossary_entries(language=lang) for lang in content.LANGUAGES}
    for lesson in Lesson.objects.all():
        entries = glossaries.get(lesson.language, [])
        if lesson.rendered_with != _fingerprint(entries, language=lesson.language):
            lesson_render(lesson=lesson, glossary=entries)


def drill_sync(*, root: Path, report: SyncReport) -> int:
    """Replace the drills with ``content/drills/*.yaml``; keep answers to drills that still exist."""
    seen: list[str] = []
    for position, (_path, item) in enumerate(_drill_items(root, report)):
        digest = content.digest(repr(sorted(item.items(), key=str)))
        seen.append(str(item["id"]))
        Drill.objects.update_or_create(
            drill_id=str(item["id"]),
            defaults={
                "lesson_slug": str(item["lesson"]),
                "section": str(item.get("section") or ""),
                "preset": str(item.get("preset") or ""),
                "fact": str(item.get("fact") or ""),
                "multiple": bool(item.get("multiple")),
                "difficulty": content.drill_difficulty(item),
                "question": item["question"],
                "options": item["options"],
                "position": position,
                "source_hash": digest,
            },
        )
    if not report.errors:
        Drill.objects.exclude(drill_id__in=seen).delete()
    return len(seen)


def _drill_items(root: Path, report: SyncReport) -> list[tuple[Path, dict]]:
    items: list[tuple[Path, dict]] = []
    for path in sorted((root / "drills").glob("*.yaml")):
        try:
            loaded = content.read_yaml_list(path)
            for item in loaded:
                content.validate_drill(item, path=str(path))
        except content.ContentError as exc:
            report.errors.append(str(exc))
            continue
        items.extend((path, item) for item in loaded)
    return items
