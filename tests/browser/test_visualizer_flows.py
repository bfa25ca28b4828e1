"""The visualizer as a newcomer uses it, in Debian's Chromium."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-viz-ready=true]")


def test_visualizer_fragile_backend_burst_shows_429s_and_opens_a_throttled_trace(page):
    """§3.1: the fragile-backend spike draws throttled marks; clicking one opens its 429 trace."""
    _open(page, "/visualizer/?preset=fragile-backend")
    throttled = page.locator("[data-testid=timeline-mark][data-kind=throttled]")
    assert throttled.count() > 0
    throttled.last.click()
    page.wait_for_selector("body[data-viz-ready=true]")
    page.get_by_test_id("step-last").click()
    page.wait_for_selector("[data-testid=step-detail][data-stage=response]")
    assert "429" in page.get_by_test_id("response-detail").inner_text()
    assert page.locator(".viz__events .viz__badge--reject").count() == 1
    assert page.watch.foreign_requests == [] and page.watch.console_errors == []


def test_visualizer_keyboard_steps_forward_and_back_and_shows_the_lambda_event(page):
    """§6.1: → walks to the integration step, whose panel shows the Lambda proxy event JSON; ← goes back."""
    _open(page, "/visualizer/?preset=lambda-proxy-echo&step=1")
    total = int(page.get_by_test_id("trace").get_attribute("data-steps"))
    for expected in range(2, total):
        page.keyboard.press("ArrowRight")
        page.wait_for_selector(f"#trace[data-step='{expected}']")
        if page.get_by_test_id("step-detail").get_attribute("data-stage") == "integration":
            break
    assert '"httpMethod"' in page.get_by_test_id("detail-event").inner_text()
    step = int(page.get_by_test_id("trace").get_attribute("data-step"))
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector(f"#trace[data-step='{step - 1}']")
    assert f"step={step - 1}" in page.url
    assert page.watch.console_errors == []


def test_visualizer_shared_link_reproduces_the_same_step(page):
    """§11: the permalink opens exactly the step that was on screen."""
    _open(page, "/visualizer/?preset=cache-hit-miss&req=1&step=3")
    detail = page.get_by_test_id("step-detail").inner_text()
    link = page.get_by_test_id("permalink").get_attribute("href")
    _open(page, "/visualizer/" + link)
    assert page.get_by_test_id("trace").get_attribute("data-step") == "3"
    assert page.get_by_test_id("step-detail").inner_text() == detail


def test_visualizer_compare_rest_vs_http_shows_both_traces(page):
    """§1.2: the rest-vs-http comparison shows both pipelines and both monthly costs."""
    _open(page, "/visualizer/?preset=rest-vs-http&compare=preset")
    assert page.get_by_test_id("compare-a").locator("svg").count() == 1
    assert page.get_by_test_id("compare-b").locator("svg").count() == 1
    assert (
        "REST" in page.get_by_test_id("costs").inner_text()
        and "HTTP" in page.get_by_test_id("costs").inner_text()
    )


def test_visualizer_shortcuts_dialog_opens_with_question_mark(page):
    """§11: ? shows the keyboard shortcuts."""
    _open(page, "/visualizer/")
    page.keyboard.press("?")
    assert page.get_by_test_id("shortcuts").is_visible()


def test_visualizer_fits_a_phone(page):
    """§11: the page is usable at 375 px without horizontal page scroll."""
    page.set_viewport_size({"width": 375, "height": 740})
    _open(page, "/visualizer/?preset=fragile-backend")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_visualizer_api_key_preset_wrong_key_gives_403_in_the_trace(page):
    """§3.3: in the API-keys preset, typing a wrong key in the builder turns a paid request into a 403."""
    _open(page, "/visualizer/?preset=api-keys-saas&req=1")
    assert "→ 200" in page.get_by_test_id("trace-status").inner_text()
    page.locator("[data-testid=builder] > summary").click()
    page.get_by_label("API key (x-api-key header)").fill("notAKnownKey0000000000")
    page.get_by_test_id("run").click()
    page.wait_for_url("**api_key=notAKnownKey*")
    page.wait_for_selector("body[data-viz-ready=true]")
    page.get_by_test_id("next-request").click()
    page.wait_for_selector("body[data-viz-ready=true]")
    assert "→ 403" in page.get_by_test_id("trace-status").inner_text()
    page.get_by_test_id("step-last").click()
    page.wait_for_selector("[data-testid=step-detail][data-stage=response]")
    event = page.get_by_test_id("event-list").inner_text()
    assert "API key refused" in event
    assert page.get_by_test_id("builder").get_attribute("open") is not None  # build=1 kept it open
    assert page.watch.console_errors == []
