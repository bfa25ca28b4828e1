"""The site frame in a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_in_english_without_foreign_requests_or_console_errors(page):
    page.goto("/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_by_test_id("home-title").inner_text() == "Watch Amazon API Gateway work"
    assert page.watch.foreign_requests == []
    assert page.watch.console_errors == []


def test_language_switch_keeps_the_page_and_renders_chinese(page):
    page.goto("/accounts/login/")
    page.get_by_test_id("language-zh-hans").click()
    page.wait_for_url("**/accounts/login/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert page.locator("h1").inner_text() == "登录"
    page.get_by_test_id("language-en").click()
    page.wait_for_url("**/accounts/login/")
    assert page.get_attribute("html", "lang") == "en"


def test_theme_toggle_switches_and_remembers_the_theme(page):
    page.emulate_media(color_scheme="light")
    page.goto("/")
    page.wait_for_selector("body[data-ready=true]")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.get_by_test_id("theme-toggle").click()
    assert page.get_attribute("html", "data-theme") == "dark"
    assert page.get_by_test_id("theme-toggle").get_attribute("aria-pressed") == "true"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != background
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_attribute("html", "data-theme") == "dark"


def test_theme_follows_the_system_by_default(page):
    page.emulate_media(color_scheme="dark")
    page.goto("/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_attribute("html", "data-theme") == "auto"
    assert page.get_by_test_id("theme-toggle").get_attribute("aria-pressed") == "true"


def test_layout_fits_a_phone(page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_home_page_renders_in_chinese_for_a_chinese_browser(chromium, asgi_server):
    context = chromium.new_context(base_url=asgi_server.url, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.goto("/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert page.get_by_test_id("home-title").inner_text() == "观看 Amazon API Gateway 如何工作"
    assert page.get_by_test_id("language-en").inner_text() == "English"
    assert errors == []
    context.close()
