"""Mark glossary terms in the text with an accessible tooltip (hover and keyboard focus)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markdown_it.token import Token


@dataclass(frozen=True, slots=True, kw_only=True)
class GlossaryEntry:
    key: str
    term: str
    definition: str


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= char <= "\u9fff" for char in text)


def compile_terms(
    entries: Sequence[GlossaryEntry],
) -> tuple[re.Pattern[str], dict[str, GlossaryEntry]] | None:
    """Build one regex for all terms, longest first; Latin terms must stand as whole words."""
    usable = sorted((e for e in entries if e.term.strip()), key=lambda e: len(e.term), reverse=True)
    if not usable:
        return None
    parts = []
    for entry in usable:
        pattern = re.escape(entry.term.strip())
        # CJK has no word boundaries, so a Chinese term matches anywhere.
        parts.append(pattern if _is_cjk(entry.term) else rf"(?<![\w-]){pattern}(?![\w-])")
    lookup = {e.term.strip().casefold(): e for e in usable}
    return re.compile("|".join(parts), re.IGNORECASE), lookup


def _term_html(entry: GlossaryEntry, text: str, serial: int) -> str:
    tip_id = f"term-{entry.key}-{serial}"
    return (
        f'<dfn class="term" tabindex="0" data-term="{escape(entry.key)}" aria-describedby="{tip_id}">'
        f'{escape(text)}<span class="term__tip" role="tooltip" id="{tip_id}">{escape(entry.definition)}</span>'
        "</dfn>"
    )


def _split_text(child: Token, compiled, marked: set[str], serial: list[int]) -> list[Token]:  # noqa: ANN001
    pattern, lookup = compiled
    out: list[Token] = []
    text, last = child.content, 0
    for match in pattern.finditer(text):
        entry = lookup.get(match.group(0).casefold())
        if entry is None or entry.key in marked:
            continue
        marked.add(entry.key)
        serial[0] += 1
        if match.start() > last:
            out.append(_text_token(text[last : match.start()]))
        html = Token("html_inline", "", 0)
        html.content = _term_html(entry, match.group(0), serial[0])
        out.append(html)
        last = match.end()
    if not out:
        return [child]
    if last < len(text):
        out.append(_text_token(text[last:]))
    return out


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def mark_terms(state) -> None:  # noqa: ANN001 - markdown-it's StateCore
    """Wrap the first use of each term per section (not in headings, links or code)."""
    compiled = state.env.get("glossary")
    if not compiled:
        return
    marked: set[str] = set()
    serial = [0]
    for index, token in enumerate(state.tokens):
        if token.type == "heading_open" and token.tag in ("h1", "h2"):
            marked = set()
        if token.type != "inline" or not token.children or state.tokens[index - 1].type == "heading_open":
            continue
        children: list[Token] = []
        depth = 0
        for child in token.children:
            depth += child.type in ("link_open", "fact_open")
            depth -= child.type in ("link_close", "fact_close")
            if child.type == "text" and depth == 0:
                children.extend(_split_text(child, compiled, marked, serial))
            else:
                children.append(child)
        token.children = children
