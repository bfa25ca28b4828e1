"""The facts page (issue 10 "Readable references"): GATEWAY_FACTS.md served at /facts/ with §-anchors."""

from __future__ import annotations

import re

import pytest

from gateway_lab.lessons.facts import add_anchors, fact_anchor, known_anchors

pytestmark = pytest.mark.django_db


def anchors(html: str) -> set[str]:
    return set(re.findall(r'id="(s\d+(?:-\d+)?)"', html))


def test_numbered_headings_get_section_anchors():
    """``### 3.1 Algorithm`` → ``{#s3-1}``; an explicit anchor is kept."""
    text = "## 3. Throttling\n\n### 3.1 Algorithm and defaults\n\n### 3.2 Levels {#mine}\n"
    assert add_anchors(text) == (
        "## 3. Throttling {#s3}\n\n### 3.1 Algorithm and defaults {#s3-1}\n\n### 3.2 Levels {#mine}\n"
    )


def test_every_section_of_the_english_facts_has_an_anchor(client):
    """§0–§14 and their subsections (§3.1 … §7.5) are linkable on the English page."""
    response = client.get("/facts/")
    assert response.status_code == 200
    found = anchors(response.content.decode())
    assert {f"s{n}" for n in range(15)} <= found
    assert {"s1-1", "s3-1", "s3-2", "s3-3", "s5-2", "s6-1", "s7-5"} <= found
    assert found == set(known_anchors())


def test_fact_anchor_falls_back_to_the_section_for_numbered_items():
    """§14.11 is an item of §14's list: it links to §14."""
    assert (fact_anchor("3.2"), fact_anchor("14.11"), fact_anchor("§2")) == ("s3-2", "s14", "s2")


def test_facts_page_keeps_aws_strings_verbatim(client):
    """§3.1: the quoted 429 body and header are shown exactly."""
    html = client.get("/facts/").content.decode()
    assert "TooManyRequestsException" in html and '<code>{"message":"Too Many Requests"}</code>' in html


def test_lesson_citation_links_to_an_anchor_that_exists(loaded, client):
    """§3.2: a lesson's ``[§3.2](fact:3.2)`` opens /facts/#s3-2, and that anchor is on the facts page."""
    lesson = client.get("/lessons/alpha/").content.decode()
    hrefs = re.findall(r'class="fact" href="/facts/#(s[\d-]+)"', lesson)
    assert hrefs
    assert set(hrefs) <= anchors(client.get("/facts/").content.decode())


def test_chinese_facts_page_has_the_same_anchors(zh_client, client):
    """The zh-hans translation keeps every numbered section, so a §-link lands in either language."""
    zh = zh_client.get("/facts/").content.decode()
    assert 'lang="zh-hans"' in zh and "节流" in zh and 'data-testid="not-translated"' not in zh
    assert anchors(zh) == anchors(client.get("/facts/").content.decode())


def test_chinese_facts_keep_aws_strings_numbers_and_code_verbatim():
    """§5.2/§14: every `code` span of the English sheet (error strings, fields, ARNs) is in the translation."""
    from collections import Counter

    from gateway_lab.lessons.facts import facts_root

    en = (facts_root() / "en.md").read_text(encoding="utf-8")
    zh = (facts_root() / "zh-hans.md").read_text(encoding="utf-8")
    spans_en, spans_zh = Counter(re.findall(r"`[^`]+`", en)), Counter(re.findall(r"`[^`]+`", zh))
    assert not [span for span, n in spans_en.items() if spans_zh[span] < n]
    assert '"Missing Authentication Token"' in zh and "10,000" in zh and "29,000 ms" in zh
