"""Reading progress without a button: scrolling through a section records it (IntersectionObserver)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


@pytest.fixture
def course():  # noqa: ANN201
    """The real course: its lessons are long enough to scroll."""
    call_command("load_lessons", verbosity=0)


def _watch_read_posts(page) -> list[str]:  # noqa: ANN001
    posts: list[str] = []
    page.on("request", lambda r: r.method == "POST" and r.url.endswith("/read") and posts.append(r.post_data))
    return posts


def _toc_anchors(page) -> list[str]:  # noqa: ANN001
    return page.locator("[data-testid=lesson-toc] li[data-anchor]").evaluate_all(
        "items => items.map(item => item.dataset.anchor)"
    )


def _read_last_section_by_jumping_to_it(page) -> None:  # noqa: ANN001
    page.set_viewport_size({"width": 1280, "height": 600})
    page.goto("/lessons/performance/#choosing")
    page.wait_for_selector("li[data-anchor=choosing][data-start-seen=true]")
    page.locator("[data-lesson-end]").scroll_into_view_if_needed()
    page.wait_for_selector("li[data-anchor=choosing].is-read")


def test_scrolling_through_a_lesson_records_each_section_once(page, course):
    """§3.1 lesson: each section scrolled through is posted once, ticked, and the lesson ends read."""
    from gateway_lab.lessons.models import SectionRead

    posts = _watch_read_posts(page)
    page.set_viewport_size({"width": 1280, "height": 600})
    page.goto("/lessons/performance/")
    page.wait_for_selector("body[data-reading-tracked=true]")
    anchors = _toc_anchors(page)
    for index, anchor in enumerate(anchors):
        page.locator(f"#{anchor}").scroll_into_view_if_needed()
        page.wait_for_selector(f"li[data-anchor={anchor}][data-start-seen=true]")
        if index:
            page.wait_for_selector(f"li[data-anchor={anchors[index - 1]}].is-read")
    page.locator("[data-lesson-end]").scroll_into_view_if_needed()
    page.wait_for_selector(f"li[data-anchor={anchors[-1]}].is-read")
    page.get_by_test_id("read-status").get_by_text("You have read this lesson.").wait_for()
    page.mouse.wheel(0, -100_000)
    page.evaluate(TWO_FRAMES)
    assert sorted(posts) == sorted(f"anchor={anchor}" for anchor in anchors)
    assert set(SectionRead.objects.values_list("anchor", flat=True)) == set(anchors)
    assert page.watch.console_errors == [] and page.watch.foreign_requests == []


def test_jumping_to_a_section_does_not_count_the_ones_skipped(page, course):
    """§3.1 lesson: opening the last section from a link records it, not the sections above it."""
    posts = _watch_read_posts(page)
    _read_last_section_by_jumping_to_it(page)
    assert "anchor=throttling" not in posts and "anchor=token-bucket" not in posts
    page.reload()
    page.wait_for_selector("body[data-reading-tracked=true]")
    assert page.locator("li[data-anchor=throttling].is-read").count() == 0


def test_sections_read_earlier_are_not_posted_again(page, course):
    """A section already read (ticked by the server) is never posted again."""
    _read_last_section_by_jumping_to_it(page)
    posts = _watch_read_posts(page)
    page.reload()
    page.wait_for_selector("body[data-reading-observed=true]")
    page.locator("[data-lesson-end]").scroll_into_view_if_needed()
    page.wait_for_selector("li[data-anchor=choosing][data-end-seen=true]")
    page.evaluate(TWO_FRAMES)
    assert "anchor=choosing" not in posts
