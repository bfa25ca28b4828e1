"""Block rules: heading anchors (``## Title {#anchor}``) and callouts (``> [!EXAM]``)."""

from __future__ import annotations

import re

from django.utils.text import slugify
from django.utils.translation import gettext as _
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from ..facts import fact_url

_ANCHOR = re.compile(r"\s*\{#([A-Za-z0-9][A-Za-z0-9_-]*)\}\s*$")
_BARE_CITATION = re.compile(r"(?:GATEWAY_FACTS(?:\.md)?\s*)?§\s?(\d+(?:\.\d+)?)")
_CALLOUT = re.compile(r"^\[!(EXAM|PITFALL|NOTE|OUTDATED|KEY)\][ \t]*(?:\n|$)")
CALLOUT_KINDS = ("EXAM", "PITFALL", "NOTE", "OUTDATED", "KEY")


def callout_title(kind: str) -> str:
    """Return the translated label shown at the top of a callout."""
    titles = {
        "EXAM": _("Exam tip"),
        "PITFALL": _("Pitfall"),
        "NOTE": _("Note"),
        "OUTDATED": _("Outdated in many notes"),
        "KEY": _("Key points"),
    }
    return titles[kind]


def anchor_headings(state) -> None:  # noqa: ANN001 - markdown-it's StateCore
    """Give every heading an id: its ``{#anchor}``, else a slug of its text, else ``section-N``."""
    used: set[str] = set()
    serials: dict[str, int] = {}  # the next suffix to try per base: N equal headings stay O(N), not O(N²)
    for index, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        inline = state.tokens[index + 1]
        match = _ANCHOR.search(inline.content)
        if match:
            inline.content = inline.content[: match.start()]
            anchor = match.group(1)
        else:
            anchor = slugify(inline.content) or f"section-{len(used) + 1}"
        base, serial = anchor, serials.get(anchor, 1)
        while anchor in used:  # duplicate headings still need distinct targets
            serial += 1
            anchor = f"{base}-{serial}"
        serials[base] = serial
        used.add(anchor)
        token.attrSet("id", anchor)


def mark_callouts(state) -> None:  # noqa: ANN001 - markdown-it's StateCore
    """Turn ``> [!KIND]`` blockquotes into callouts; the marker line itself is dropped."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "blockquote_open" or index + 2 >= len(tokens):
            continue
        paragraph, inline = tokens[index + 1], tokens[index + 2]
        if paragraph.type != "paragraph_open" or inline.type != "inline":
            continue
        match = _CALLOUT.match(inline.content)
        if not match:
            continue
        kind = match.group(1)
        inline.content = inline.content[match.end() :]
        if not inline.content.strip():
            paragraph.hidden = tokens[index + 3].hidden = True
        token.meta["callout"] = kind
        _closing_blockquote(tokens, index).meta["callout"] = kind


def _closing_blockquote(tokens, start: int):  # noqa: ANN001, ANN202
    depth = 0
    for token in tokens[start:]:
        depth += token.type == "blockquote_open"
        depth -= token.type == "blockquote_close"
        if depth == 0:
            return token
    raise ValueError("unbalanced blockquote")  # markdown-it always closes what it opens


def render_blockquote_open(renderer, tokens, idx, options, env) -> str:  # noqa: ANN001
    kind = tokens[idx].meta.get("callout")
    if not kind:
        return "<blockquote>\n"
    lower = kind.lower()
    return (
        f'<aside class="callout callout--{lower}" data-callout="{lower}" role="note">\n'
        f'<p class="callout__title">{callout_title(kind)}</p>\n'
    )


def render_blockquote_close(renderer, tokens, idx, options, env) -> str:  # noqa: ANN001
    return "</aside>\n" if tokens[idx].meta.get("callout") else "</blockquote>\n"


def render_table_open(renderer, tokens, idx, options, env) -> str:  # noqa: ANN001
    # A focusable scroll container keeps wide tables readable on a 375 px screen.
    return '<div class="table-wrap" tabindex="0" role="region" aria-label="' + _("Table") + '">\n<table>\n'


def render_table_close(renderer, tokens, idx, options, env) -> str:  # noqa: ANN001
    return "</table>\n</div>\n"


def render_fact_open(renderer, tokens, idx, options, env) -> str:  # noqa: ANN001
    fact = tokens[idx].meta.get("fact", "")
    label = _("GATEWAY_FACTS.md section %(fact)s") % {"fact": fact}
    href = escapeHtml(fact_url(fact))
    return f'<a class="fact" href="{href}" title="{escapeHtml(label)}"><cite data-fact="{escapeHtml(fact)}">'


def render_fact_close(renderer, tokens, idx, options, env) -> str:  # noqa: ANN001
    return "</cite></a>"


def link_bare_citations(state) -> None:  # noqa: ANN001 - markdown-it's StateCore
    """Turn citations written as plain text (``§3.1``, ``GATEWAY_FACTS §3.1``) into fact links."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children, depth = [], 0
        for child in token.children:
            depth += child.type in ("link_open", "fact_open")
            depth -= child.type in ("link_close", "fact_close")
            if child.type != "text" or depth or not _BARE_CITATION.search(child.content):
                children.append(child)
                continue
            last = 0
            for match in _BARE_CITATION.finditer(child.content):
                children.append(_text(child.content[last : match.start()]))
                opening = Token("fact_open", "cite", 1)
                opening.meta["fact"] = match.group(1)
                children.extend([opening, _text(match.group(0)), Token("fact_close", "cite", -1)])
                last = match.end()
            children.append(_text(child.content[last:]))
        token.children = [c for c in children if c.type != "text" or c.content]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token
