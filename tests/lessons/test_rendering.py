"""Lesson Markdown rendering: anchors, callouts, our links, glossary tooltips, highlighting, sanitising.

Callouts and links carry GATEWAY_FACTS.md citations into the page (§14 callouts teach where notes are
outdated); these tests check the renderer keeps them intact.
"""

from __future__ import annotations

import pytest

from gateway_lab.lessons.rendering import GlossaryEntry, render_markdown

THROTTLING = GlossaryEntry(key="throttling", term="throttling", definition="Limiting the <rate>.")
JIELIU = GlossaryEntry(key="throttling", term="节流", definition="限制请求速率。")


def html(body: str, **kwargs) -> str:  # noqa: ANN003
    return render_markdown(body, language=kwargs.pop("language", "en"), **kwargs).html


def test_heading_anchor_becomes_the_id_and_leaves_the_text():
    """§14 callouts are reached through section anchors: `## Title {#anchor}` gives id="anchor"."""
    out = html("## Caching {#caching}\n\nText.")
    assert '<h2 id="caching">Caching</h2>' in out


def test_heading_without_anchor_gets_a_slug_and_duplicates_stay_unique():
    """Headings without an explicit anchor still get distinct ids."""
    out = html("## Limits\n\n## Limits\n")
    assert 'id="limits"' in out and 'id="limits-2"' in out


def test_exam_callout_renders_as_aside_with_translated_title():
    """§14: an [!EXAM] callout is an aside with the callout's title in the lesson's language."""
    out = html("> [!EXAM]\n> Pick throttling.", language="zh-hans")
    assert '<aside class="callout callout--exam"' in out
    assert "Pick throttling." in out
    assert "[!EXAM]" not in out


def test_plain_blockquote_stays_a_blockquote():
    """A blockquote without a marker is not a callout."""
    assert "<blockquote>" in html("> Just a quote.")


def test_preset_link_points_at_the_visualizer():
    """§3.2: a preset: link opens the visualizer preset that demonstrates the point."""
    out = html("[see](preset:fragile-backend)")
    assert 'href="/visualizer/?preset=fragile-backend"' in out


def test_lesson_link_points_at_the_lesson_section():
    """A lesson: link becomes the lesson page URL with its anchor."""
    assert 'href="/lessons/performance/#caching"' in html("[c](lesson:performance#caching)")


def test_fact_link_is_a_citation_linked_to_the_facts_page():
    """§3.2 (issue 10): fact: links render as a <cite> inside a link to /facts/#s3-2."""
    out = html("See [§3.2](fact:3.2).")
    assert (
        '<a class="fact" href="/facts/#s3-2" title="GATEWAY_FACTS.md section 3.2">'
        '<cite data-fact="3.2">§3.2</cite></a>'
    ) in out


@pytest.mark.parametrize(
    ("source", "href", "text"),
    [
        ("Order per §3.1 here.", "/facts/#s3-1", "§3.1"),
        ("As GATEWAY_FACTS §7.5 says.", "/facts/#s7-5", "GATEWAY_FACTS §7.5"),
        ("See GATEWAY_FACTS.md §2.", "/facts/#s2", "GATEWAY_FACTS.md §2"),
        ("Study notes §14.11 differ.", "/facts/#s14", "§14.11"),  # items of §14 have no heading: the section
    ],
)
def test_bare_citations_become_fact_links(source, href, text):
    """Issue 10: citations typed as plain text link to their section of the facts page."""
    out = html(source)
    assert f'<a class="fact" href="{href}"' in out and f">{text}</cite></a>" in out


def test_citation_inside_code_or_a_link_stays_as_written():
    """A § inside code or an existing link is not rewritten (no nested links)."""
    out = html("Run `grep §3.1` or read [the note §3.1](https://example.com/).")
    assert 'class="fact"' not in out
    assert "fact:" not in out


def test_glossary_term_is_wrapped_once_per_section_with_escaped_tooltip():
    """§3.1: the glossary term gets a focusable <dfn> with a tooltip, first use per section only."""
    out = html("## A {#a}\n\nthrottling and throttling\n\n## B {#b}\n\nthrottling", glossary=[THROTTLING])
    assert out.count('<dfn class="term"') == 2
    assert 'tabindex="0"' in out and 'role="tooltip"' in out
    assert "Limiting the &lt;rate&gt;." in out


def test_glossary_term_matches_inside_chinese_text():
    """§3.1: CJK has no word boundaries, so 节流 is marked inside a sentence."""
    assert 'data-term="throttling"' in html("这里需要节流保护后端。", language="zh-hans", glossary=[JIELIU])


def test_glossary_term_is_not_marked_in_headings_or_code():
    """Terms in headings and inline code stay as they are."""
    out = html("## throttling {#t}\n\n`throttling`", glossary=[THROTTLING])
    assert "<dfn" not in out


def test_json_code_block_is_highlighted_on_the_server():
    """§5.2 error bodies in lessons are JSON blocks highlighted with Pygments classes."""
    out = html('```json\n{"message": "Forbidden"}\n```')
    assert '<pre class="highlight"' in out and 'class="language-json"' in out and '<span class="nt">' in out


def test_unknown_code_language_is_escaped_not_highlighted():
    """A fence in a language Pygments lacks is still escaped."""
    out = html("```nosuchlang\n<b>x</b>\n```")
    assert "&lt;b&gt;" in out


def test_script_tags_and_event_handlers_are_removed():
    """Rendered Markdown keeps no scripts or event handlers."""
    out = html('<script>alert(1)</script>\n\n<img src="x.png" onerror="alert(1)">\n\n<p onclick="x()">hi</p>')
    assert "<script" not in out and "onerror" not in out and "onclick" not in out


def test_javascript_urls_do_not_survive():
    """Neither a Markdown link nor raw HTML can carry a javascript: URL."""
    out = html('[x](javascript:alert(1))\n\n<a href="javascript:alert(1)">y</a>')
    assert "javascript:" not in out.replace("[x](javascript:alert(1))", "")
    assert 'href="javascript' not in out


def test_tables_are_wrapped_in_a_scroll_region():
    """GFM tables render, inside a focusable scroll container for small screens."""
    out = html("| a | b |\n| --- | --- |\n| 1 | 2 |")
    assert '<div class="table-wrap"' in out and "<td>1</td>" in out


def test_sections_split_text_for_search():
    """The search index holds each section's plain text under its anchor."""
    rendered = render_markdown(
        "Intro.\n\n## One {#one}\n\nFirst **bold**.\n\n## Two {#two}\n\nSecond.", language="en"
    )
    assert [(s.anchor, s.text) for s in rendered.sections] == [
        ("", "Intro."),
        ("one", "First bold."),
        ("two", "Second."),
    ]


def test_toc_lists_h2_with_every_deeper_heading_as_children():
    """The table of contents nests h3 (and deeper headings) under their h2: every heading is in it (issue 18)."""
    rendered = render_markdown(
        "## One {#one}\n\n### Sub {#sub}\n\n#### Deep {#deep}\n\n## Two {#two}", language="en"
    )
    assert rendered.toc == [
        {
            "anchor": "one",
            "heading": "One",
            "children": [
                {"anchor": "sub", "heading": "Sub", "level": 3},
                {"anchor": "deep", "heading": "Deep", "level": 4},
            ],
        },
        {"anchor": "two", "heading": "Two", "children": []},
    ]


def test_reading_time_counts_chinese_characters():
    """Reading time counts characters for Chinese (no spaces between words)."""
    assert render_markdown("节" * 2000, language="zh-hans").reading_minutes == 5
