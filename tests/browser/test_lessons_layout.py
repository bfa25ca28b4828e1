"""The real course on a phone and on a desktop: nothing runs off the screen, and print hides the chrome."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def course():  # noqa: ANN201
    """The real course (its glossary terms sit anywhere on a line, tables are wide)."""
    call_command("load_lessons", verbosity=0)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_real_lesson_does_not_scroll_sideways_on_a_phone(page, asgi_server, course, language):
    """§3.1 lesson at 375 px: hidden glossary tips and wide tables never widen the page."""
    page.context.add_cookies([{"name": "django_language", "value": language, "url": asgi_server.url}])
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/lessons/performance/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("article.lesson").get_attribute("lang") == language
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.parametrize("width", [375, 1280])
def test_every_glossary_tip_stays_on_screen_when_focused(page, course, width):
    """§3.1 lesson: each term's definition, shown on keyboard focus, fits inside the viewport."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/lessons/performance/")
    page.wait_for_selector("body[data-ready=true]")
    terms = page.locator(".lesson__body dfn.term")
    assert terms.count() > 3
    for index in range(terms.count()):
        terms.nth(index).focus()
        box = terms.nth(index).locator(".term__tip").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, index


def test_print_hides_navigation_and_keeps_the_lesson(page, course):
    """Printing a lesson keeps its text and drops the site header, contents and read button."""
    page.goto("/lessons/performance/")
    page.wait_for_selector("body[data-ready=true]")
    page.emulate_media(media="print")
    for selector in (".site-header", ".lesson-toc", "#read-status", ".lesson-pager"):
        assert not page.locator(selector).is_visible(), selector
    assert page.locator("#throttling").is_visible() and page.locator("table").first.is_visible()
    assert page.pdf()[:4] == b"%PDF"
