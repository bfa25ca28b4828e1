"""Readable references (issue 10): /facts/ in both languages, and every citation opens its section."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def course():  # noqa: ANN201
    call_command("load_lessons", verbosity=0)


def in_viewport(page, selector: str) -> bool:  # noqa: ANN001
    """Wait (the browser scrolls to the fragment after load) until ``selector`` is on screen."""
    page.wait_for_function(
        "s => { const r = document.querySelector(s).getBoundingClientRect();"
        " return r.top >= 0 && r.top < innerHeight; }",
        arg=selector,
        timeout=5_000,
    )
    return True


@pytest.mark.parametrize(("language", "heading"), [("en", "Throttling"), ("zh-hans", "节流")])
def test_facts_page_opens_at_a_section_anchor(page, asgi_server, language, heading):
    """§3: /facts/#s3 scrolls to the throttling section, in English and in Chinese."""
    page.context.add_cookies([{"name": "django_language", "value": language, "url": asgi_server.url}])
    page.goto("/facts/#s3-1")
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_by_test_id("facts").get_attribute("lang") == language
    assert heading in page.locator("#s3").inner_text()
    assert in_viewport(page, "#s3-1")
    assert page.locator("[data-testid=facts-toc] a[href='#s7-5']").count() == 1
    assert page.watch.console_errors == [] and page.watch.foreign_requests == []


def test_lesson_citation_opens_the_facts_section(page, course):
    """§3.1: a lesson's "§3.1" is a link; following it lands on that section of the facts page."""
    page.goto("/lessons/performance/")
    page.wait_for_selector("body[data-ready=true]")
    link = page.locator(".lesson__body a.fact[href='/facts/#s3-1']").first
    link.click()
    page.wait_for_url(re.compile(r"/facts/#s3-1$"))
    assert in_viewport(page, "#s3-1")


def test_visualizer_step_links_its_fact_and_lesson(page, course):
    """§3.2: a visualizer step's GATEWAY_FACTS citation opens /facts/#s…; its lesson link opens the lesson."""
    page.goto("/visualizer/?preset=fragile-backend")
    page.wait_for_selector("body[data-viz-ready=true]")
    fact = page.get_by_test_id("step-detail").get_by_test_id("fact")
    href = fact.get_attribute("href")
    assert re.fullmatch(r"/facts/#s\d+(-\d+)?", href)
    fact.click()
    page.wait_for_url(re.compile(r"/facts/#s"))
    assert in_viewport(page, "#" + href.rsplit("#", 1)[1])
