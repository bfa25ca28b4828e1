"""Drills (issue 10 "Smaller", issue 15): "question n of N", a summary at the end, filters by lesson/difficulty."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from gateway_lab.lessons.models import Drill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def course():  # noqa: ANN201
    call_command("load_lessons", verbosity=0)


@pytest.mark.parametrize(
    ("language", "counter"), [("en", "Question {n} of {total}"), ("zh-hans", "第 {n} 题，共 {total} 题")]
)
def test_practice_a_lesson_to_its_summary(page, asgi_server, course, language, counter):
    """§3.1 drills of one lesson: every card says n of N, answers swap in place, the last offers a summary."""
    page.context.add_cookies([{"name": "django_language", "value": language, "url": asgi_server.url}])
    total = Drill.objects.filter(lesson_slug="performance").count()
    assert total >= 2
    page.goto("/lessons/drills/")
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_test_id("practice-form").locator("select[name=lesson]").select_option("performance")
    page.get_by_test_id("practice-start").click()
    for n in range(1, total + 1):
        page.wait_for_selector("[data-testid=drill-progress]")
        assert page.get_by_test_id("drill-progress").locator("span").first.inner_text() == counter.format(
            n=n, total=total
        )
        page.locator("[data-testid^=choice-]").first.check()
        page.get_by_test_id("submit-answer").click()
        page.wait_for_selector("[data-testid=verdict]")
        if n < total:
            page.get_by_test_id("next-drill").click()
    page.get_by_test_id("drill-summary-link").click()
    page.wait_for_url(re.compile(r"/lessons/drills/summary/\?lesson=performance"))
    rows = page.locator("[data-testid=drill-summary] li")
    assert rows.count() == total
    assert set(rows.evaluate_all("els => els.map(e => e.dataset.status)")) <= {"right", "wrong"}
    assert page.watch.console_errors == []


def test_practice_filtered_by_difficulty(page, course):
    """Practice only the hard drills: each card is tagged hard and the counter counts hard drills only."""
    hard = Drill.objects.filter(difficulty="hard").count()
    assert hard > 0
    page.goto("/lessons/drills/")
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_test_id("practice-form").locator("select[name=difficulty]").select_option("hard")
    page.get_by_test_id("practice-start").click()
    page.wait_for_selector("[data-testid=drill-progress]")
    assert page.get_by_test_id("drill-progress").locator("span").first.inner_text() == f"Question 1 of {hard}"
    assert page.get_by_test_id("drill-difficulty").inner_text() == "Hard"
