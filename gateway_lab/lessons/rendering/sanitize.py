"""The one gate rendered HTML passes before it is stored: an allow-list sanitiser (nh3)."""

from __future__ import annotations

import nh3

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


def sanitize_html(html: str) -> str:
    """Drop scripts, event handlers, styles and unsafe URLs (``javascript:``) from rendered HTML."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties=_STYLE_PROPERTIES,
        link_rel=None,
        strip_comments=True,
    )
