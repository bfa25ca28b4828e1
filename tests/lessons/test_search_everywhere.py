"""Search everywhere (issue 10): the header's live panel, hits in their own language, glossary aliases."""

from __future__ import annotations

import re

import pytest

from gateway_lab.lessons.search import query_groups, search_sections

pytestmark = pytest.mark.django_db


def hit_urls(html: str) -> list[str]:
    return re.findall(r'data-testid="site-search-hit"[^>]*>\s*<a href="([^"]+)"', html)


@pytest.mark.parametrize("path", ["/", "/lessons/", "/facts/", "/lessons/drills/"])
def test_every_page_has_the_header_search_form(client, loaded, path):
    """The header's search is a plain GET form to /lessons/search (works without JavaScript)."""
    body = client.get(path).content.decode()
    assert 'class="site-search" role="search" action="/lessons/search" method="get"' in body
    assert 'name="q"' in body and 'hx-target="#site-search-panel"' in body


def test_course_page_search_form_has_its_results_target(client, loaded):
    """The /lessons/ search box targets #search-results, so the page must have it (htmx:targetError)."""
    body = client.get("/lessons/").content.decode()
    assert 'hx-target="#search-results"' in body and 'id="search-results"' in body


def test_header_panel_answers_htmx_with_a_short_list(client, loaded):
    """§3.2: the header's live request gets the panel fragment, with a link to all results."""
    response = client.get(
        "/lessons/search", {"q": "throttl"}, headers={"HX-Request": "true", "HX-Target": "site-search-panel"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'data-testid="site-search-results"' in body and "/lessons/search?q=throttl" in body
    assert hit_urls(body)[0] == "/lessons/alpha/#throttling"


def test_hit_in_the_other_language_opens_in_that_language(client, loaded):
    """A Chinese hit, found from the English interface, links to the Chinese lesson at its anchor."""
    body = client.get(
        "/lessons/search", {"q": "节流"}, headers={"HX-Request": "true", "HX-Target": "site-search-panel"}
    ).content.decode()
    assert "/lessons/alpha/?lang=zh-hans#throttling" in hit_urls(body)


def test_lesson_page_honours_lang_from_a_search_hit(client, loaded):
    """``?lang=zh-hans`` shows the Chinese lesson even in the English interface, without a notice."""
    body = client.get("/lessons/alpha/", {"lang": "zh-hans"}).content.decode()
    assert "阿尔法课" in body and 'data-testid="not-translated"' not in body
    assert "Alpha" not in re.search(r'<h1 data-testid="lesson-title">(.*?)</h1>', body).group(1)


def test_lesson_page_ignores_an_unknown_lang(client, loaded):
    """An unknown ``?lang=`` falls back to the interface language (no error)."""
    response = client.get("/lessons/alpha/", {"lang": "xx"})
    assert response.status_code == 200


def test_glossary_alias_finds_the_term_in_both_languages(loaded):
    """A glossary alias (here 请求节制 for 节流 / throttling) finds the sections of both languages."""
    hits = search_sections(query="请求节制", language="zh-hans")
    assert {(h.language, h.anchor) for h in hits} >= {("zh-hans", "throttling"), ("en", "throttling")}


def test_english_alias_finds_the_chinese_term_too(loaded):
    """The English alias "rate limiting" (two words, one name) expands to throttling and 节流."""
    groups = query_groups("Rate  limiting")
    assert len(groups) == 1 and {"throttling", "节流"} <= set(groups[0])
    assert {h.language for h in search_sections(query="rate limiting", language="en")} == {"en", "zh-hans"}


def test_words_that_are_not_glossary_names_must_all_match(loaded):
    """Plain terms are still ANDed: "throttling zzz" finds nothing."""
    assert search_sections(query="throttling zzzqqq", language="en") == []


def test_language_switch_without_javascript_drops_a_hits_lang(client, loaded):
    """The switch's ``next`` keeps the page and its other parameters but not ``?lang=`` (no JS needed)."""
    body = client.get("/lessons/alpha/", {"lang": "zh-hans", "x": "1"}).content.decode()
    assert 'name="next" value="/lessons/alpha/?x=1"' in body
