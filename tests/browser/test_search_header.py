"""Search everywhere (issue 10): the header search on every page, live and with Enter, in both languages.

A hit opens its own language's lesson at the section; switching language keeps the #anchor; "/" focuses
the field; the header stays usable on a phone and on a projector at 200 % zoom.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/shots"


@pytest.fixture
def course():  # noqa: ANN201
    call_command("load_lessons", verbosity=0)


def open_page(page, asgi_server, path: str, language: str = "en") -> None:  # noqa: ANN001
    page.context.add_cookies([{"name": "django_language", "value": language, "url": asgi_server.url}])
    page.goto(path)
    page.wait_for_selector("body[data-ready=true]")


@pytest.mark.parametrize("path", ["/", "/facts/", "/lessons/drills/"])
@pytest.mark.parametrize(("language", "query"), [("en", "throttling"), ("zh-hans", "节流")])
def test_live_results_as_you_type_open_the_lesson_at_its_section(
    page, asgi_server, course, path, language, query
):
    """§3.1: typing in the header lists sections live; the first hit opens its lesson at the anchor."""
    open_page(page, asgi_server, path, language)
    field = page.get_by_test_id("site-search-input")
    field.press_sequentially(query, delay=40)
    hits = page.locator("[data-testid=site-search-hit]")
    hits.first.wait_for()
    assert page.get_by_test_id("site-search-panel").is_visible()
    first = hits.first
    hit_language = first.get_attribute("data-language")
    assert hit_language == language  # the reader's language comes first
    href = first.locator("a").get_attribute("href")
    first.locator("a").click()
    page.wait_for_url(re.compile(r"/lessons/[\w-]+/.*#[\w-]+$"))
    anchor = href.rsplit("#", 1)[1]
    assert page.evaluate("location.hash") == f"#{anchor}"
    assert page.locator("article.lesson").get_attribute("lang") == hit_language
    assert page.locator(f"[id='{anchor}']").is_visible()
    assert not page.watch.console_errors


@pytest.mark.parametrize("path", ["/", "/visualizer/", "/lessons/performance/"])
def test_enter_opens_the_results_page(page, asgi_server, course, path):
    """Enter submits the header form: the full results page for the query."""
    open_page(page, asgi_server, path)
    field = page.get_by_test_id("site-search-input")
    field.fill("burst")
    field.press("Enter")
    page.wait_for_url(re.compile(r"/lessons/search\?q=burst$"))
    assert page.locator("[data-testid=search-hit]").count() > 0
    assert not page.watch.console_errors


def test_a_hit_in_the_other_language_opens_in_that_language(page, asgi_server, course):
    """A Chinese section found from the English interface opens in Chinese, at its anchor."""
    open_page(page, asgi_server, "/")
    page.get_by_test_id("site-search-input").press_sequentially("令牌桶", delay=40)
    hit = page.locator("[data-testid=site-search-hit][data-language=zh-hans]").first
    hit.wait_for()
    hit.locator("a").click()
    page.wait_for_url(re.compile(r"\?lang=zh-hans#"))
    assert page.locator("article.lesson").get_attribute("lang") == "zh-hans"


def test_glossary_alias_is_found_in_both_languages(page, asgi_server, course):
    """AWS's 使用计划 (an alias of our 用量计划) finds usage-plan sections in Chinese and English."""
    open_page(page, asgi_server, "/lessons/", "zh-hans")
    page.get_by_test_id("site-search-input").press_sequentially("使用计划", delay=40)
    page.locator("[data-testid=site-search-hit]").first.wait_for()
    languages = set(page.locator("[data-testid=site-search-hit]").evaluate_all("els => els.map(e => e.lang)"))
    assert languages == {"zh-hans", "en"}


def test_language_switch_keeps_the_anchor(page, asgi_server, course):
    """Switching to 简体中文 on /lessons/performance/#caching lands on the Chinese lesson's #caching."""
    open_page(page, asgi_server, "/lessons/performance/#caching")
    page.get_by_test_id("language-zh-hans").click()
    page.wait_for_url(re.compile(r"/lessons/performance/#caching$"))
    assert page.locator("article.lesson").get_attribute("lang") == "zh-hans"
    page.get_by_test_id("language-en").click()
    page.wait_for_url(re.compile(r"/lessons/performance/#caching$"))
    assert page.locator("article.lesson").get_attribute("lang") == "en"


def test_language_switch_after_a_cross_language_hit_follows_the_new_language(page, asgi_server, course):
    """From a ?lang=zh-hans hit, switching the interface drops ?lang and keeps the anchor."""
    open_page(page, asgi_server, "/lessons/performance/?lang=zh-hans#token-bucket")
    page.get_by_test_id("language-zh-hans").click()
    page.wait_for_url(re.compile(r"/lessons/performance/#token-bucket$"))
    assert page.locator("article.lesson").get_attribute("lang") == "zh-hans"


def test_slash_focuses_the_search_but_not_while_typing_elsewhere(page, asgi_server, course):
    """ "/" jumps to the header search; typed inside another field it is just a character."""
    open_page(page, asgi_server, "/lessons/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    assert page.get_by_test_id("site-search-input").input_value() == ""
    other = page.get_by_test_id("search-input")  # the course page's own search box
    other.click()
    page.keyboard.type("a/b")
    assert other.input_value() == "a/b"
    assert page.evaluate("document.activeElement.id") == "search-q"


def test_course_page_search_box_shows_results_without_target_errors(page, asgi_server, course):
    """The /lessons/ box used to fail with htmx:targetError #search-results: it lists hits live now."""
    open_page(page, asgi_server, "/lessons/")
    page.get_by_test_id("search-input").press_sequentially("缓存", delay=40)
    page.locator("#search-results [data-testid=search-hit]").first.wait_for()
    assert not page.watch.console_errors


def test_escape_closes_the_panel(page, asgi_server, course):
    open_page(page, asgi_server, "/")
    field = page.get_by_test_id("site-search-input")
    field.press_sequentially("cache", delay=30)
    page.locator("[data-testid=site-search-hit]").first.wait_for()
    field.press("Escape")
    assert not page.get_by_test_id("site-search-panel").is_visible()


def _boxes(page, selectors):  # noqa: ANN001, ANN202
    return {name: page.locator(sel).first.bounding_box() for name, sel in selectors.items()}


def _overlap(a, b) -> bool:  # noqa: ANN001
    return not (
        a["x"] + a["width"] <= b["x"] + 0.5
        or b["x"] + b["width"] <= a["x"] + 0.5
        or a["y"] + a["height"] <= b["y"] + 0.5
        or b["y"] + b["height"] <= a["y"] + 0.5
    )


@pytest.mark.parametrize(
    ("name", "width", "height", "scale"),
    [("phone", 390, 844, 3), ("projector-200", 640, 360, 2), ("desktop", 1280, 720, 1)],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_header_search_fits_without_overlap(
    chromium, asgi_server, course, name, width, height, scale, language
):
    """At 390×844, at 1280×720 zoomed to 200 % (640×360 CSS px) and on a desktop, the header's parts
    never overlap or leave the viewport, and the results panel stays on screen."""
    context = chromium.new_context(
        base_url=asgi_server.url,
        viewport={"width": width, "height": height},
        device_scale_factor=scale,
        locale="en-US",
    )
    page = context.new_page()
    try:
        context.add_cookies([{"name": "django_language", "value": language, "url": asgi_server.url}])
        page.goto("/lessons/performance/")
        page.wait_for_selector("body[data-ready=true]")
        parts = {
            "brand": ".brand",
            "nav": ".site-nav",
            "search": ".site-search",
            "tools": ".site-tools",
        }
        boxes = _boxes(page, parts)
        for key, box in boxes.items():
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (key, box)
        names = list(boxes)
        for i, first in enumerate(names):
            for second in names[i + 1 :]:
                assert not _overlap(boxes[first], boxes[second]), (first, second)
        field = page.get_by_test_id("site-search-input")
        field_box = field.bounding_box()
        assert field_box["width"] >= 120  # room to type
        field.press_sequentially("节流" if language == "zh-hans" else "throttle", delay=30)
        page.locator("[data-testid=site-search-hit]").first.wait_for()
        panel = page.get_by_test_id("site-search-panel").bounding_box()
        assert panel["x"] >= 0 and panel["x"] + panel["width"] <= width + 0.5
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=f"{SHOTS}/search-{name}-{language}.png")
    finally:
        context.close()
