"""Lessons in a real browser: search as you type, and answering a drill, both without a page reload."""

from __future__ import annotations

import pytest

from tests.lessons.conftest import CONTENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def course_content():  # noqa: ANN201
    from gateway_lab.lessons.services import lesson_sync_from_files

    return lesson_sync_from_files(root=CONTENT)


def test_search_as_you_type_finds_chinese_sections_without_reload(page, course_content):
    """§3.1: typing 节流 shows the throttling section live (htmx), and the URL follows the query."""
    page.goto("/lessons/search")
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate("window.__sameDocument = true")
    page.get_by_test_id("search-input").press_sequentially("节流")
    hit = page.locator("[data-testid=search-hit] a").first
    hit.wait_for()
    assert (
        hit.get_attribute("href") == "/lessons/alpha/?lang=zh-hans#throttling"
    )  # its own language (issue 10)
    assert page.locator("[data-testid=search-hit] mark").first.inner_text() == "节流"
    assert page.evaluate("window.__sameDocument") is True
    page.wait_for_url("**/lessons/search?q=*")
    assert page.watch.console_errors == [] and page.watch.foreign_requests == []


def test_answering_a_drill_shows_every_explanation_without_reload(page, course_content):
    """§3.2: picking an option and checking it swaps in the verdict and all explanations."""
    page.goto("/lessons/drills/alpha-fragile/")
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate("window.__sameDocument = true")
    page.get_by_test_id("choice-1").check()
    page.get_by_test_id("submit-answer").click()
    verdict = page.get_by_test_id("verdict")
    verdict.wait_for()
    assert verdict.inner_text() == "Not quite."
    assert page.get_by_test_id("explanation").all_inner_texts() == [
        "Excess requests get a fast 429.",
        "Writes are not cached.",
    ]
    assert page.evaluate("window.__sameDocument") is True
    assert page.watch.console_errors == []


def test_glossary_tooltip_shows_on_keyboard_focus(page, course_content):
    """§3.1: a glossary term's definition appears when the term gets keyboard focus."""
    page.goto("/lessons/alpha/")
    page.wait_for_selector("body[data-ready=true]")
    term = page.locator("dfn.term").first
    tip = term.locator(".term__tip")
    assert not tip.is_visible()
    term.focus()
    tip.wait_for(state="visible")
    assert tip.inner_text() == "Limiting the request rate with a token bucket."


def test_lesson_page_fits_a_phone(page, course_content):
    """The lesson page, with its table, does not scroll sideways at 375 px."""
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/lessons/alpha/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
