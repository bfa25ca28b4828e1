"""Lesson anchors (``slug#section``) as readable links: "Throttling and caching › Throttling".

Steps and presets point at lesson sections by anchor; the learner should read the section's title,
not the anchor. The titles live in the lessons app's tables (one query per page); a lesson that is
not loaded yet falls back to its slug and anchor, so the page never breaks on an empty database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gateway_lab.lessons.models import LessonSection, Source
from gateway_lab.lessons.selectors import DEFAULT_LANGUAGE, language_of


@dataclass(frozen=True, slots=True, kw_only=True)
class LessonRef:
    """A link to one lesson section, with the titles a learner reads."""

    anchor: str  # "performance#throttling"
    slug: str
    lesson_title: str
    section_title: str
    order: int = 1_000  # the lesson's place in the course (for grouping presets)

    @property
    def url(self) -> str:
        section = self.anchor.partition("#")[2]
        return f"/lessons/{self.slug}/" + (f"#{section}" if section else "")

    @property
    def label(self) -> str:
        return f"{self.lesson_title} › {self.section_title}" if self.section_title else self.lesson_title


def lesson_url(anchor: str | None) -> str | None:
    """Return ``/lessons/<slug>/#<section>`` for a ``slug#section`` anchor."""
    return _fallback(anchor).url if anchor else None


def _fallback(anchor: str) -> LessonRef:
    slug, _sep, section = anchor.partition("#")
    return LessonRef(anchor=anchor, slug=slug, lesson_title=slug, section_title=section)


def lesson_refs(anchors: Iterable[str | None], *, language: str) -> dict[str, LessonRef]:
    """Return a ``LessonRef`` per anchor, titled in ``language`` (else English, else the anchor itself)."""
    wanted = {a for a in anchors if a}
    slugs = {a.partition("#")[0] for a in wanted}
    if not slugs:
        return {}
    lang = language_of(language)
    rows = (
        LessonSection.objects.filter(
            lesson__slug__in=slugs, lesson__source=Source.FILE, lesson__language__in={lang, DEFAULT_LANGUAGE}
        )
        .order_by()
        .values_list(
            "lesson__slug", "lesson__language", "lesson__title", "lesson__order", "anchor", "heading"
        )
    )
    # Rows in the page's language win over English ones: sort English first, let the rest overwrite.
    lessons: dict[str, tuple[str, int]] = {}
    sections: dict[tuple[str, str], str] = {}
    for slug, _lang, title, order, anchor, heading in sorted(rows, key=lambda r: r[1] == lang):
        lessons[slug] = (title, order)
        sections[(slug, anchor)] = heading
    refs = {}
    for anchor in wanted:
        slug, _sep, section = anchor.partition("#")
        if slug not in lessons:
            refs[anchor] = _fallback(anchor)
            continue
        title, order = lessons[slug]
        heading = sections.get((slug, section), section) if section else ""
        refs[anchor] = LessonRef(
            anchor=anchor, slug=slug, lesson_title=title, section_title=heading, order=order
        )
    return refs
