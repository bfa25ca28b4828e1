"""Issue 10 in Chromium: the visualizer and the WebSocket demo speak Chinese to a zh-Hans learner.

A learner with the zh-Hans language walks every preset's steps with the keyboard (→), as the page
is drawn after its scripts ran; the text they can see (code, preformatted JSON, hidden elements and
scripts left out) holds no run of three English words beyond AWS's verbatim error strings
(``tests/visualizer/i18n_english.ALLOWED``). The WebSocket demo's scripted texts ("Connected",
"Subscribe", "Start polling") are Chinese too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from gateway_lab.engine.presets import list_presets
from tests.conftest import AsgiServer
from tests.visualizer.i18n_english import english_runs, ensure_visualizer_catalog_compiled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRESETS = [preset["name"] for preset in list_presets()]

# Text nodes a reader sees: not in code/pre/kbd/script/style, not inside a hidden element.
VISIBLE_TEXT = """() => {
  const skip = new Set(["CODE", "PRE", "KBD", "SAMP", "SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT"]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    let hidden = false;
    for (let el = node.parentElement; el; el = el.parentElement) {
      if (skip.has(el.tagName) || el.hidden || getComputedStyle(el).display === "none") { hidden = true; break; }
    }
    if (!hidden) out.push(node.textContent);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def zh_server(django_db_setup: None, django_db_blocker: Any) -> Iterator[AsgiServer]:
    """A server of its own without the visualizer's per-client limit: this walk opens hundreds of steps."""
    ensure_visualizer_catalog_compiled()  # before the server loads its catalogs
    with django_db_blocker.unblock():
        server = AsgiServer(env={"GATEWAY_LAB_VISUALIZER_RATE": "off"})
    yield server
    server.stop()


@pytest.fixture
def zh_page(chromium: Any, zh_server: AsgiServer) -> Iterator[Any]:
    """A page whose learner chose 简体中文 (Django's language cookie)."""
    context = chromium.new_context(base_url=zh_server.url, locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": zh_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    context.close()


def _english_on(page: Any) -> list[str]:
    texts = page.evaluate(VISIBLE_TEXT)
    assert re.search(r"[\u4e00-\u9fff]", "".join(texts)), "the page shows no Chinese at all"
    return english_runs(texts)


def _press_right(page: Any, *, to: int) -> None:
    """Press → once htmx is idle; press again only if the step did not move (a key lost while the previous
    swap settled), never past ``to``: the walk still goes step by step with the keyboard."""
    trace = page.get_by_test_id("trace")
    for _ in range(3):
        expect(page.locator(".htmx-request")).to_have_count(0)
        page.keyboard.press("ArrowRight")
        try:
            expect(trace).to_have_attribute("data-step", str(to), timeout=4000)
            return
        except AssertionError:
            if trace.get_attribute("data-step") != str(to - 1):
                raise
    expect(trace).to_have_attribute("data-step", str(to))


@pytest.mark.parametrize("name", PRESETS)
def test_visualizer_zh_walk_every_preset_step_finds_no_english(zh_page: Any, name: str) -> None:
    """Issue 10: every step of the preset's key request, reached with →, reads in Chinese."""
    zh_page.goto(f"/visualizer/?preset={name}&step=1")
    zh_page.wait_for_selector("body[data-viz-ready=true]")  # the keyboard is wired
    assert zh_page.locator("html").get_attribute("lang") == "zh-hans"
    trace = zh_page.get_by_test_id("trace")
    steps = int(trace.get_attribute("data-steps") or "0")
    assert steps >= 1
    found: dict[int, list[str]] = {}
    for step in range(1, steps + 1):
        expect(zh_page.get_by_test_id("trace")).to_have_attribute("data-step", str(step))
        runs = _english_on(zh_page)
        if runs:
            found[step] = runs
        if step < steps:
            _press_right(zh_page, to=step + 1)
    assert not found, found
    assert zh_page.errors == []


def test_visualizer_zh_websocket_demo_scripted_strings_are_chinese(zh_page: Any) -> None:
    """Issue 10: the demo's status line and buttons change to Chinese texts as the script runs."""
    zh_page.goto("/ws-demo/")
    zh_page.wait_for_selector("body[data-ws-connected=true]")
    expect(zh_page.get_by_test_id("ws-status")).to_have_text("已连接")
    toggle = zh_page.get_by_test_id("ticker-toggle")
    toggle.click()
    expect(toggle).to_have_text("取消订阅")
    poll = zh_page.get_by_test_id("poll-toggle")
    poll.click()
    expect(poll).to_have_text("停止轮询")
    poll.click()
    expect(poll).not_to_have_text("停止轮询")
    assert "Start polling" not in poll.inner_text()
    assert _english_on(zh_page) == []
    assert zh_page.errors == []
