"""Predict-then-reveal, the presenter view and the compare view in Debian's Chromium (issue 10, §11)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ready(page) -> None:
    page.wait_for_selector("body[data-viz-ready=true]")


@pytest.fixture(params=[(1280, 720, 1), (640, 360, 2)], ids=["1280x720", "200pct-zoom"])
def projector(request, chromium: Any, asgi_server: Any) -> Iterator[Any]:
    """A page the size of a 1280×720 projector, at 100 % and at 200 % zoom (640×360 CSS px, scale 2)."""
    width, height, scale = request.param
    context = chromium.new_context(
        base_url=asgi_server.url,
        locale="en-US",
        viewport={"width": width, "height": height},
        device_scale_factor=scale,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _inside_viewport(page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None and box["width"] > 0 and box["height"] > 0, selector
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= size["width"] + 0.5, (selector, box, size)
    assert box["y"] + box["height"] <= size["height"] + 0.5, (selector, box, size)


def test_predict_mode_reveals_nothing_before_the_answer(page):
    """§11: status, notice, later steps and the chart stay hidden until the learner has answered."""
    page.goto("/visualizer/?preset=fragile-backend&predict=on")
    _ready(page)
    assert "429" not in page.get_by_test_id("trace-status").inner_text()
    assert page.get_by_test_id("notice-hidden").is_visible()
    assert "Too Many Requests" not in page.locator("main").inner_text()
    assert page.locator("[data-testid=pipeline-node-response]").count() == 0
    assert page.locator("[data-testid=timeline-mark]").count() == 0
    events = page.get_by_test_id("event-list").inner_text()
    assert "Response" not in events and "Integration" not in events
    guesses = page.locator("[data-testid^=guess-]")
    assert sorted(guesses.evaluate_all("els => els.map(e => e.dataset.testid)")) == [
        "guess-pass",
        "guess-reject",
    ]  # Throttling can only pass or reject
    page.get_by_test_id("guess-reject").click()
    _ready(page)
    assert "Right:" in page.get_by_test_id("predict-feedback").inner_text()
    assert "429" not in page.get_by_test_id("trace-status").inner_text()  # the response is still a question
    page.get_by_test_id("guess-4xx").click()
    _ready(page)
    assert "→ 429" in page.get_by_test_id("trace-status").inner_text()
    assert "Too Many Requests" in page.get_by_test_id("preset-notice").inner_text()
    assert page.locator("[data-testid=timeline-mark]").count() == 50


def test_presenter_keeps_diagram_and_explanation_on_screen_while_stepping(projector):
    """§11: at 1280×720 and 200 % zoom, → steps and both halves stay inside the viewport, in large type."""
    page = projector
    page.goto("/visualizer/?preset=authorizer-cache-trap&req=1&step=1&view=presenter&hide=none")
    _ready(page)
    total = int(page.get_by_test_id("presenter").get_attribute("data-steps"))
    for step in range(1, total + 1):
        if step > 1:
            page.keyboard.press("ArrowRight")
            page.wait_for_selector(f"[data-testid=presenter][data-step='{step}']")
            _ready(page)
        _inside_viewport(page, "[data-testid=present-diagram] svg")
        _inside_viewport(page, "[data-testid=present-explanation]")
        _inside_viewport(page, "[data-testid=key-legend]")
        assert page.get_by_test_id("present-explanation").locator("p").first.is_visible()
    size = page.get_by_test_id("present-explanation").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 16
    assert page.locator(".site-header").count() == 0
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector(f"[data-testid=presenter][data-step='{total - 1}']")


def test_presenter_keys_hide_skipped_reveal_and_exit(page):
    """§11: H shows/hides skipped stages, Space jumps to the response, Esc returns to the page."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto("/visualizer/?preset=fragile-backend&view=presenter")
    _ready(page)
    assert page.locator("[data-testid=present-diagram] [data-stage=resource_policy]").count() == 0
    page.keyboard.press("h")
    page.wait_for_url("**hide=none*")
    _ready(page)
    assert page.locator("[data-testid=present-diagram] [data-stage=resource_policy]").count() == 1
    page.keyboard.press(" ")
    page.wait_for_selector("[data-testid=present-explanation][data-stage=response]")
    _ready(page)
    assert "429" in page.get_by_test_id("present-explanation").inner_text()
    page.keyboard.press("Escape")
    page.wait_for_selector("[data-testid=trace]")
    assert "view=presenter" not in page.url
    assert page.watch.console_errors == []


def test_compare_rest_vs_http_highlights_payload_differences(page):
    """§6.1/§6.2: the 1.0 vs 2.0 event fields that differ are marked in words and shading, both sides revealed."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/visualizer/?preset=rest-vs-http&compare=preset")
    _ready(page)
    assert page.get_by_test_id("compare-a").locator(".pipeline__node--pending").count() == 0
    assert page.get_by_test_id("compare-b").locator(".pipeline__node--pending").count() == 0
    diff = page.get_by_test_id("event-diff")
    only_left = diff.locator("tr[data-field=multiValueHeaders]")
    only_right = diff.locator("tr[data-field=rawPath]")
    assert "only left" in only_left.inner_text() and "only right" in only_right.inner_text()
    plain = page.get_by_test_id("costs").locator("tbody tr").first
    shade = "e => getComputedStyle(e).backgroundColor"
    assert only_left.evaluate(shade) != plain.evaluate(shade)
    assert "payload 1.0" in page.get_by_test_id("compare-a").inner_text()
    assert "payload 2.0" in page.get_by_test_id("compare-b").inner_text()


def test_compare_and_predict_fit_a_phone(page):
    """§11: at 390 px the compare view and predict mode scroll vertically only."""
    page.set_viewport_size({"width": 390, "height": 800})
    for url in (
        "/visualizer/?preset=rest-vs-http&compare=preset",
        "/visualizer/?preset=fragile-backend&predict=on",
    ):
        page.goto(url)
        _ready(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url


def test_page_h_key_hides_skipped_stages(page):
    """§11: on the normal page H toggles "hide skipped stages" for the event list and the diagram."""
    page.goto("/visualizer/?preset=fragile-backend")
    _ready(page)
    assert "Resource policy" in page.get_by_test_id("event-list").inner_text()
    page.keyboard.press("h")
    page.wait_for_selector("[data-testid=hide-skipped][aria-pressed=true]")
    assert "Resource policy" not in page.get_by_test_id("event-list").inner_text()
    assert page.locator("[data-testid=pipeline-svg] [data-stage=resource_policy]").count() == 0
    assert page.get_by_test_id("step-detail").get_attribute("data-stage") == "throttle"  # same place
