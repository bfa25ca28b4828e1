"""Lesson HTML (issue 16): no images from other origins, no author ids/classes; anchors still work.

Complements the XSS tests in tests/lessons/test_rendering.py (scripts, handlers, javascript: URLs).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from gateway_lab.lessons.rendering import GlossaryEntry, render_markdown
from gateway_lab.lessons.rendering.sanitize import same_origin_image, sanitize_html

PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


SITE = "https://lab.example/lessons/caching/"


def html(body: str) -> str:
    return render_markdown(body, language="en").html


def image_hosts(out: str) -> set[str]:
    """Where a browser on SITE would fetch each <img> from (WHATWG: "\\" is "/", tabs vanish)."""
    srcs = re.findall(r'<img[^>]*\ssrc="([^"]*)"', out)
    return {
        urlsplit(urljoin(SITE, re.sub(r"[\t\n\r]", "", src).replace("\\", "/"))).netloc
        for src in srcs
        if not src.startswith("data:")
    }


def attribute_values(out: str, name: str) -> list[str]:
    return re.findall(rf'<[a-z0-9]+[^>]*\s{name}="([^"]*)"', out)


@pytest.mark.parametrize(
    "src",
    [
        "https://tracker.example/p.gif?u=1",
        "http://tracker.example/p.gif",
        "//tracker.example/p.gif",
        "/\\tracker.example/p.gif",
        "\\\\tracker.example/p.gif",
        "/\t/tracker.example/p.gif",
        " //tracker.example/p.gif",
        "HTTPS://tracker.example/p.gif",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "data:text/html;base64,PHNjcmlwdD4=",
        "data:image/png,notbase64",
        "ftp://tracker.example/p.gif",
    ],
)
def test_images_from_other_origins_are_dropped(src: str):
    """Issue 16: a tracking pixel (any other origin, however spelled) leaves no <img> behind."""
    assert not same_origin_image(src)
    for body in (f"![pixel]({src})", f'<img src="{src}" alt="pixel">'):
        out = html(body)
        assert image_hosts(out) <= {"lab.example"} and 'src="data:image/svg' not in out, (body, out)
    assert "<img" not in html(f'<img src="{src}" alt="pixel">')


@pytest.mark.parametrize(
    "src", ["/static/img/favicon.svg", "img/diagram.png", "../a.png", "a.png?v=2#x", PIXEL]
)
def test_same_origin_and_raster_data_images_are_kept(src: str):
    """Relative images and raster data: images (no request at all) stay."""
    assert same_origin_image(src)
    assert f'src="{src}"' in html(f"![diagram]({src})")


def test_author_ids_and_classes_are_removed_from_raw_html():
    """Raw HTML cannot borrow the site's ids (DOM clobbering) nor its classes (fake buttons)."""
    out = html(
        '<div id="login-form" class="button--primary">x</div>\n\n'
        'Text <span class="visually-hidden" id=csrf>y</span> and <b/class=callout>z</b>\n\n'
        "<h2 id='evil' CLASS=\"callout\">Heading</h2>"
    )
    assert attribute_values(out, "id") == [] and attribute_values(out, "class") == [], out
    assert "<h2>Heading</h2>" in out and "<span>y</span>" in out


def test_author_class_in_markdown_attributes_cannot_pass_the_sanitizer():
    """Even HTML that bypasses the raw-HTML rule keeps only the renderer's classes and anchor-shaped ids."""
    out = sanitize_html('<div class="callout evil-class" id="a b">x</div><span id="ok-1">y</span>')
    assert 'class="callout"' in out and "evil-class" not in out and 'id="a b"' not in out
    assert 'id="ok-1"' in out


def test_renderer_ids_and_classes_survive():
    """Heading anchors, callouts, tables, highlighting, glossary tooltips and preset links keep theirs."""
    body = (
        "## Caching {#caching}\n\n## Caching\n\n> [!EXAM]\n> Remember.\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n"
        '```json\n{"a": 1}\n```\n\nA [demo](preset:cache-hit) about TTL.\n'
    )
    out = render_markdown(
        body, language="en", glossary=[GlossaryEntry(key="ttl", term="TTL", definition="Time to live")]
    ).html
    assert '<h2 id="caching">' in out and '<h2 id="caching-2">' in out
    assert 'class="callout callout--exam"' in out and 'class="table-wrap"' in out
    assert 'class="highlight"' in out and 'class="language-json"' in out and '<span class="nt">' in out
    assert 'class="preset-link"' in out and 'class="term"' in out
    assert re.search(r'<span class="term__tip" role="tooltip" id="term-ttl-\d+">', out)
    assert 'style="text-align:left"' in out.replace(": ", ":")


def test_data_urls_are_not_links():
    """data: is accepted for images only; a data: link is dropped (no href)."""
    out = html(f'<a href="data:text/html,hi">x</a> [y]({PIXEL})')
    assert 'href="data:' not in out
