"""Issue 12 in Chromium: "Copy as curl" on a live API's stage, in English and in zh-Hans.

The button is there (labelled in the page's language), and a click puts on the clipboard exactly the
command the page shows and carries (``data-curl``), for the page's own host.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.visualizer.i18n_english import ensure_visualizer_catalog_compiled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABELS = {
    "en": ("Copy as curl", "Copied: paste it into a terminal."),
    "zh-hans": ("复制为 curl 命令", "已复制：粘贴到终端中运行即可。"),
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_visualizer_copy_as_curl_puts_the_exact_command_on_the_clipboard(
    chromium: Any, asgi_server: Any, language: str
):
    """§6.1: POST /echo/orders on demo-rest/prod is copied as curl with its method, headers and body."""
    ensure_visualizer_catalog_compiled()
    context = chromium.new_context(base_url=asgi_server.url, locale="zh-CN" if language != "en" else "en-US")
    context.add_cookies([{"name": "django_language", "value": language, "url": asgi_server.url}])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=asgi_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(
            "/visualizer/?live=demo-rest/prod&method=POST&path=/echo/orders"
            "&headers=Content-Type%3A+application%2Fjson&body=%7B%22pet%22%3A+%22cat%22%7D"
        )
        page.wait_for_selector("body[data-viz-ready=true]")
        assert page.locator("html").get_attribute("lang") == language
        button = page.get_by_test_id("copy-curl")
        label, copied = LABELS[language]
        expect(button).to_be_visible()
        expect(button).to_have_text(label)
        expected = (
            f"curl -i -X POST {asgi_server.url}/gw/demo-rest/prod/echo/orders"
            " -H 'Content-Type: application/json' --data-raw '{\"pet\": \"cat\"}'"
        )
        assert button.get_attribute("data-curl") == expected
        assert page.get_by_test_id("curl-command").inner_text() == expected
        button.click()
        expect(page.get_by_test_id("curl-status")).to_have_text(copied)
        assert page.evaluate("navigator.clipboard.readText()") == expected
        # Stepping swaps #trace with htmx: the new button copies too.
        page.keyboard.press("ArrowRight")
        page.wait_for_selector("#trace[data-step='2']")
        page.get_by_test_id("copy-curl").click()
        expect(page.get_by_test_id("curl-status")).to_have_text(copied)
        assert page.evaluate("navigator.clipboard.readText()") == expected
        assert errors == []
    finally:
        context.close()
