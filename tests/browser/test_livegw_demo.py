"""The WebSocket demo page in a real browser (GATEWAY_FACTS.md §9)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_demo(page) -> None:
    page.goto("/ws-demo/")
    page.wait_for_selector("body[data-ws-connected=true]")


def test_livegw_two_pages_chat(page, chromium, asgi_server) -> None:
    """§9: a message sent on one page reaches the other through sendmessage's fan-out."""
    other_context = chromium.new_context(base_url=asgi_server.url)
    other = other_context.new_page()
    other.set_default_timeout(10_000)
    try:
        _open_demo(page)
        _open_demo(other)
        page.get_by_test_id("chat-input").fill("hello from page one")
        page.get_by_test_id("chat-send").click()
        other.wait_for_selector("[data-testid=chat-log] li:has-text('hello from page one')")
    finally:
        other_context.close()
    assert page.watch.foreign_requests == []
    assert page.watch.console_errors == []


def test_livegw_ticker_updates_without_reload(page) -> None:
    """§9: after subscribing, pushed ticks keep changing the ticker (no reload, no polling)."""
    _open_demo(page)
    page.get_by_test_id("ticker-toggle").click()
    # expect() polls without eval: the page's Content-Security-Policy refuses wait_for_function's strings
    second = page.get_by_test_id("ticker-second")
    expect(second).not_to_have_text("–", timeout=5000)
    first = second.inner_text()
    expect(second).not_to_have_text(first, timeout=5000)
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1


@pytest.mark.parametrize("width", [390, 1280])
def test_livegw_inspector_is_not_clipped_and_suggests_a_second_tab(page, width: int) -> None:
    """Issue 10: with two connections open, the inspector's table fits its panel (no hidden columns) on a
    phone and a desktop, and the page says how to see a second connection."""
    page.set_viewport_size({"width": width, "height": 800})
    _open_demo(page)
    second = page.context.new_page()
    try:
        _open_demo(second)
        expect(page.locator("[data-testid=connections] tbody tr")).to_have_count(2, timeout=5000)
        table = page.locator("[data-testid=connections] table")
        sizes = table.evaluate("t => [t.scrollWidth, t.clientWidth]")
        assert sizes[0] <= sizes[1] + 1, sizes
        expect(page.get_by_test_id("second-tab-hint")).to_be_visible()
    finally:
        second.close()
