"""Reads: lessons in a language (with fallback), the course overview with progress, drills."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .learners import Learner
from .models import Drill, DrillAnswer, Lesson, LessonSection, SectionRead, Source

DEFAULT_LANGUAGE = "en"
UNLISTED_ORDER = 1_000_000  # drills whose lesson is missing come last


@dataclass(frozen=True, slots=True, kw_only=True)
class LessonView:
    lesson: Lesson
    translated: bool  # False: shown in another language because this one is missing
    languages: list[str]
    previous: Lesson | None
    next: Lesson | None


def language_of(code: str) -> str:
    """Map Django's active language code onto a content language."""
    return "zh-hans" if code.lower().startswith("zh") else "en"


def lesson_get(*, slug: str, language: str) -> LessonView | None:
    """Return the lesson in ``language``, else its English (or any) version, with its neighbours."""
    versions = {lesson.language: lesson for lesson in Lesson.objects.filter(slug=slug)}
    if not versions:
        return None
    lesson = versions.get(language) or versions.get(DEFAULT_LANGUAGE) or next(iter(versions.values()))
    previous, following = _neighbours(lesson, language=language)
    return LessonView(
        lesson=lesson,
        translated=lesson.language == language,
        languages=sorted(versions),
        previous=previous,
        next=following,
    )


def course_lessons(*, language: str, source: str = Source.FILE) -> list[Lesson]:
    """Return one version of each lesson, preferring ``language``, in course order."""
    chosen: dict[str, Lesson] = {}
    for lesson in Lesson.objects.filter(source=source).defer("body", "html").order_by("order", "slug"):
        if lesson.slug not in chosen or lesson.language == language:
            chosen[lesson.slug] = lesson
    return sorted(chosen.values(), key=lambda lesson: (lesson.order, lesson.slug))


def _neighbours(lesson: Lesson, *, language: str) -> tuple[Lesson | None, Lesson | None]:
    """The lessons before and after ``lesson`` in course order, each in ``language`` when it has it.

    Two small queries per side whatever the number of lessons (issue 17): the nearest other slug by
    ``(order, slug)``, then that slug's versions. Course order is ``course_lessons``'s.
    """
    if lesson.source != Source.FILE:
        return None, None
    return _neighbour(lesson, language=language, after=False), _neighbour(
        lesson, language=language, after=True
    )


def _neighbour(lesson: Lesson, *, language: str, after: bool) -> Lesson | None:
    order, slug = lesson.order, lesson.slug
    beyond = (
        Q(order__gt=order) | Q(order=order, slug__gt=slug)
        if after
        else Q(order__lt=order) | Q(order=order, slug__lt=slug)
    )
    ranking = ("order", "slug") if after else ("-order", "-slug")
    found = (
        Lesson.objects.filter(beyond, source=Source.FILE)
        .exclude(slug=slug)
        .order_by(*ranking)
        .values_list("slug", flat=True)
        .first()
    )
    if found is None:
        return None
    versions = list(
        Lesson.objects.filter(slug=found, source=Source.FILE).defer("body", "html").order_by("order")
    )
    return next((item for item in versions if item.language == language), versions[0])


def read_anchors(*, learner: Learner, lesson_slug: str) -> set[str]:
    """Return the anchors of ``lesson_slug`` this learner has read."""
    if not learner.learner_id and not learner.user_id:
        return set()
    rows = SectionRead.objects.filter(learner.owns(), lesson_slug=lesson_slug)
    return set(rows.values_list("anchor", flat=True))


def course_progress(*, learner: Learner, lessons: list[Lesson]) -> dict[str, dict[str, int]]:
    """Return per lesson slug: sections, sections read, drills, drills answered right."""
    totals = dict(
        LessonSection.objects.filter(lesson__in=lessons, level=2)
        .values_list("lesson__slug")
        .annotate(n=Count("id"))
    )
    drills = dict(Drill.objects.values_list("lesson_slug").annotate(n=Count("id")))
    anonymous = not learner.learner_id and not learner.user_id
    read = (
        {}
        if anonymous
        else dict(
            SectionRead.objects.filter(learner.owns())
            .values_list("lesson_slug")
            .annotate(n=Count("anchor", distinct=True))
        )
    )
    right = (
        {}
        if anonymous
        else dict(
            DrillAnswer.objects.filter(learner.owns(), correct=True)
            .values_list("drill__lesson_slug")
            .annotate(n=Count("drill", distinct=True))
        )
    )
    return {
        lesson.slug: {
            "sections": totals.get(lesson.slug, 0),
            "read": min(read.get(lesson.slug, 0), totals.get(lesson.slug, 0)),
            "drills": drills.get(lesson.slug, 0),
            "right": right.get(lesson.slug, 0),
        }
        for lesson in lessons
    }


def drills_in_course_order(drills: QuerySet[Drill]) -> QuerySet[Drill]:
    """Order drills by their lesson's ``order``, then by their place in the lesson's drill file."""
    # Drill files are read in file-name order, which is not the course's order: ask the lessons.
    lesson_order = Lesson.objects.filter(slug=OuterRef("lesson_slug")).order_by("order").values("order")[:1]
    return drills.annotate(lesson_order=Coalesce(Subquery(lesson_order), Value(UNLISTED_ORDER))).order_by(
        "lesson_order", "lesson_slug", "position"
    )


def drill_list(*, lesson_slug: str | None = None, difficulty: str | None = None) -> list[Drill]:
    """Return drills in course order, optionally for one lesson and/or one difficulty."""
    drills = Drill.objects.all()
    if lesson_slug:
        drills = drills.filter(lesson_slug=lesson_slug)
    if difficulty:
        drills = drills.filter(difficulty=difficulty)
    return list(drills_in_course_order(drills))


def drill_latest_answers(*, learner: Learner) -> dict[int, DrillAnswer]:
    """Return this learner's latest answer per drill id (pk)."""
    if not learner.learner_id and not learner.user_id:
        return {}
    latest: dict[int, DrillAnswer] = {}
    for answer in DrillAnswer.objects.filter(learner.owns()).order_by("answered_at", "id"):
        latest[answer.drill_id] = answer
    return latest


def drill_mistakes(*, learner: Learner) -> list[Drill]:
    """Return drills whose latest answer by this learner was wrong."""
    wrong = [pk for pk, answer in drill_latest_answers(learner=learner).items() if not answer.correct]
    return list(drills_in_course_order(Drill.objects.filter(pk__in=wrong)))


def imported_lessons() -> list[Lesson]:
    """Return lessons that came from imported notes."""
    return list(Lesson.objects.filter(source=Source.IMPORT).defer("body", "html").order_by("-modified_at"))


@dataclass(frozen=True, slots=True, kw_only=True)
class LessonTitles:
    """A course lesson's title, place in the course and section headings (by anchor), in one language."""

    title: str
    order: int
    sections: dict[str, str]


def lesson_titles(*, slugs: set[str], language: str) -> dict[str, LessonTitles]:
    """Return the course lessons ``slugs`` titled in ``language``, else in English (one query).

    Lessons not loaded are left out: callers show their slug instead.
    """
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
    titles: dict[str, tuple[str, int]] = {}
    sections: dict[str, dict[str, str]] = {}
    # Rows in the page's language win over English ones: English first, the rest overwrite.
    for slug, _lang, title, order, anchor, heading in sorted(rows, key=lambda r: r[1] == lang):
        titles[slug] = (title, order)
        sections.setdefault(slug, {})[anchor] = heading
    return {
        slug: LessonTitles(title=title, order=order, sections=sections[slug])
        for slug, (title, order) in titles.items()
    }
