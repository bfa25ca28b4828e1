"""Previous/next lesson links by query, flat in the number of lessons (issue 17)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gateway_lab.lessons import selectors
from gateway_lab.lessons.models import Lesson, Source

pytestmark = pytest.mark.django_db


def _lesson(slug: str, language: str, order: int, source: str = Source.FILE) -> Lesson:
    return Lesson.objects.create(
        slug=slug, language=language, title=f"{slug} {language}", order=order, body="x", source=source
    )


def test_neighbours_follow_course_order_and_prefer_the_readers_language():
    """Order by (order, slug); a neighbour shown in the reader's language when it has one, else English."""
    _lesson("a", "en", 1)
    _lesson("b", "en", 2)
    _lesson("b", "zh-hans", 2)
    _lesson("c", "en", 2)  # same order as b: slug breaks the tie
    _lesson("d", "en", 3)
    _lesson("note", "en", 2, source=Source.IMPORT)  # imported notes are not in the course
    view = selectors.lesson_get(slug="c", language="zh-hans")
    assert view is not None
    assert (view.previous.slug, view.previous.language) == ("b", "zh-hans")
    assert (view.next.slug, view.next.language) == ("d", "en")
    first = selectors.lesson_get(slug="a", language="en")
    assert first.previous is None and first.next.slug == "b" and first.next.language == "en"
    last = selectors.lesson_get(slug="d", language="en")
    assert last.previous.slug == "c" and last.next is None


def test_neighbours_make_the_same_queries_for_10_and_400_lessons():
    """Issue 17: the lesson page no longer loads every lesson to find its two neighbours."""

    def queries(count: int) -> int:
        Lesson.objects.all().delete()
        Lesson.objects.bulk_create(
            Lesson(slug=f"l{index:04d}", language="en", title="t", order=index, body="x", source=Source.FILE)
            for index in range(count)
        )
        with CaptureQueriesContext(connection) as captured:
            view = selectors.lesson_get(slug="l0005", language="en")
        assert view.previous.slug == "l0004" and view.next.slug == "l0006"
        for query in captured.captured_queries:  # each reads one row or one slug's versions
            sql = query["sql"]
            assert " LIMIT " in sql or '"slug" = ' in sql, sql
        return len(captured.captured_queries)

    assert queries(10) == queries(400) <= 5
