"""The WebSocket chat preset in the visualizer, in Debian's Chromium (GATEWAY_FACTS.md §9)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visualizer_websocket_chat_steps_through_sendmessage_and_its_pushes(page):
    """§9: open Alice's sendmessage, step to its route (sendmessage) and to the delivery of both pushes."""
    page.goto("/visualizer/?preset=websocket-chat")
    page.wait_for_selector("body[data-viz-ready=true]")
    page.locator("[data-testid=ws-event][data-route=sendmessage]").first.click()
    page.wait_for_selector("[data-testid=ws-event][data-route=sendmessage][aria-current=true]")
    page.wait_for_selector("body[data-viz-ready=true]")
    detail = page.get_by_test_id("step-detail")
    assert detail.get_attribute("data-stage") == "routing"
    assert "sendmessage" in detail.inner_text()
    total = int(page.get_by_test_id("trace").get_attribute("data-steps"))
    for expected in range(2, total + 1):
        page.keyboard.press("ArrowRight")
        page.wait_for_selector(f"#trace[data-step='{expected}']")
    assert "2 push(es) through @connections" in page.get_by_test_id("step-reason").inner_text()
    pushes = page.locator("[data-testid=ws-push]")
    assert [pushes.nth(i).get_attribute("data-to") for i in range(pushes.count())] == ["alice", "bob"]
    assert page.watch.foreign_requests == [] and page.watch.console_errors == []
