"""The one gate rendered HTML passes before it is stored: an allow-list sanitiser (nh3).

Lesson bodies are written by staff but often copied from elsewhere (notes from a blog), so the
sanitiser treats them as untrusted (issue 16, docs/security.md):

- **Images only from this site.** A lesson image is a relative URL (``/static/…``, ``img/a.png``)
  or a raster ``data:image/(png|gif|jpeg|webp);base64`` URL. Images from other origins are dropped
  (a tracking pixel would tell a third party who reads which lesson, and from where), and so are
  ``data:image/svg+xml`` (SVG is a document). ``data:`` images make no request at all.
- **No ``id`` or ``class`` from the author.** Ids and classes are the renderer's: heading anchors
  (``<h2 id="caching">``), glossary tooltips (``term-…``), callouts, tables, code highlighting and
  our links. Raw HTML in the Markdown loses its ``id``/``class`` before rendering
  (``strip_user_attributes``, a markdown-it rule), and the sanitiser keeps only ids shaped like
  anchors and only the renderer's class names, so a lesson cannot restyle itself as the site's
  buttons or forms nor clobber the page's own ids (``id="login-form"``).
- No scripts, event handlers, styles (but a table cell's ``text-align``), or ``javascript:`` URLs.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3
from pygments.token import STANDARD_TYPES

_TAGS = {
    "a", "abbr", "aside", "b", "blockquote", "br", "cite", "code", "dd", "del", "details", "dfn", "div",
    "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p",
    "pre", "s", "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
_COMMON = {
    "class",
    "id",
    "title",
    "lang",
    "role",
    "tabindex",
    "aria-label",
    "aria-describedby",
    "aria-hidden",
}
_ATTRIBUTES = {
    "*": _COMMON,
    "a": {"href", "data-preset"},
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "td": {"style", "colspan", "rowspan"},
    "pre": {"data-lang"},
    "dfn": {"data-term"},
    "cite": {"data-fact"},
    "aside": {"data-callout"},
    "ol": {"start"},
}
# Table alignment is the only inline style markdown-it emits; everything else is dropped.
_STYLE_PROPERTIES = {"text-align"}

# The classes the renderer writes (blocks.py, glossary.py, highlight.py, links.py) and Pygments' tokens.
RENDERER_CLASSES = frozenset(
    {
        "callout",
        "callout__title",
        *(f"callout--{kind}" for kind in ("exam", "pitfall", "note", "outdated", "key")),
        "table-wrap",
        "fact",
        "term",
        "term__tip",
        "highlight",
        "preset-link",
        *(name for name in STANDARD_TYPES.values() if name),
    }
)
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")
_ANCHOR_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,120}")
_RASTER_DATA = re.compile(r"data:image/(?:png|gif|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}", re.IGNORECASE)
_URL_NOISE = re.compile(r"[\t\n\r]")  # browsers drop these inside URLs ("/\t/evil" is "//evil")

# A start tag in raw HTML, with its attributes (quoted values may hold ">").
_START_TAG = re.compile(r"""<[A-Za-z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>""")
# An id or class attribute inside a start tag; "/" and quotes also separate attributes in HTML.
_ID_OR_CLASS = re.compile(
    r"""(?<=[\s/"'])(?:id|class)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?(?=[\s/>]|$)""",
    re.IGNORECASE,
)


def same_origin_image(src: str) -> bool:
    """True for a relative URL on this site or a raster ``data:`` image; False for any other origin."""
    url = _URL_NOISE.sub("", src).strip()
    if url.lower().startswith("data:"):
        return bool(_RASTER_DATA.fullmatch(url))
    if not url or "\\" in url or url.startswith("//") or any(ord(c) <= 0x20 for c in url):
        return False
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


def _keep_classes(value: str) -> str | None:
    kept = [name for name in value.split() if name in RENDERER_CLASSES or _LANGUAGE_CLASS.fullmatch(name)]
    return " ".join(kept) or None


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        return _keep_classes(value)
    if attribute == "id":
        return value if _ANCHOR_ID.fullmatch(value) else None
    if tag == "img" and attribute == "src":
        return value if same_origin_image(value) else None
    if attribute == "href" and _URL_NOISE.sub("", value).strip().lower().startswith("data:"):
        return None
    return value


_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def sanitize_html(html: str) -> str:
    """Drop scripts, event handlers, styles, unsafe URLs, foreign images and foreign ids/classes."""
    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_filter,
        url_schemes={"http", "https", "mailto", "data"},  # data: only for raster images (_filter)
        filter_style_properties=_STYLE_PROPERTIES,
        link_rel=None,
        strip_comments=True,
    )
    return _IMG_WITHOUT_SRC.sub("", cleaned)  # a dropped image leaves nothing behind


def _strip(html: str) -> str:
    return _START_TAG.sub(lambda tag: _ID_OR_CLASS.sub("", tag.group(0)), html)


def strip_user_attributes(state) -> None:  # noqa: ANN001 - markdown-it's StateCore
    """Remove ``id``/``class`` from the raw HTML an author wrote (before our rules add their own).

    Registered right after markdown-it's ``inline`` rule: at that point every ``html_block`` and
    ``html_inline`` token is the author's; the glossary's ``<dfn class="term">`` comes later.
    """
    for token in state.tokens:
        if token.type == "html_block":
            token.content = _strip(token.content)
        elif token.type == "inline":
            for child in token.children or ():
                if child.type == "html_inline":
                    child.content = _strip(child.content)
