"""Lesson anchors (``slug#section``) as readable links: "Throttling and caching › Throttling".

Steps and presets point at lesson sections by anchor; the learner should read the section's title,
not the anchor. The titles come from the lessons app (``lessons.selectors.lesson_titles``, one query
per page); a lesson that is not loaded yet shows its slug and anchor, so an empty database is no error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gateway_lab.lessons.selectors import lesson_titles


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
    lessons = lesson_titles(slugs={a.partition("#")[0] for a in wanted}, language=language)
    refs = {}
    for anchor in wanted:
        slug, _sep, section = anchor.partition("#")
        lesson = lessons.get(slug)
        if lesson is None:
            refs[anchor] = _fallback(anchor)
            continue
        heading = lesson.sections.get(section, section) if section else ""
        refs[anchor] = LessonRef(
            anchor=anchor, slug=slug, lesson_title=lesson.title, section_title=heading, order=lesson.order
        )
    return refs
