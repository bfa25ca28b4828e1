"""Wiki reads (HackSoft selectors): a page in one language, its history, one revision's text."""

from __future__ import annotations

from .models import Lesson, LessonRevision


def page_get(*, slug: str, language: str) -> Lesson | None:
    """The page ``slug`` in exactly ``language`` (the editor never falls back to another language)."""
    return Lesson.objects.filter(slug=slug, language=language).first()


def page_any_language(*, slug: str) -> Lesson | None:
    """Some version of page ``slug`` (to start its translation from)."""
    return Lesson.objects.filter(slug=slug).order_by("language").first()


def revision_history(*, lesson: Lesson) -> list[LessonRevision]:
    """Every revision, newest first; the current text is listed even before its first wiki edit."""
    found = list(LessonRevision.objects.filter(lesson=lesson).select_related("author").order_by("-number"))
    if not any(revision.number == lesson.revision for revision in found):
        found.insert(0, LessonRevision(lesson=lesson, number=lesson.revision, title=lesson.title, body=""))
    return found


def revision_get(*, lesson: Lesson, number: int) -> LessonRevision | None:
    """Revision ``number`` of ``lesson``; the current text counts as its own revision."""
    found = LessonRevision.objects.filter(lesson=lesson, number=number).first()
    if found is None and number == lesson.revision:
        return LessonRevision(lesson=lesson, number=number, title=lesson.title, body=lesson.body)
    return found
