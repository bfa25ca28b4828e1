"""Lesson Markdown → sanitised HTML, a table of contents and per-section plain text for search.

CommonMark + GFM tables (markdown-it-py), our callouts and heading anchors, ``preset:``/``lesson:``/
``fact:`` links, glossary tooltips and Pygments highlighting; nh3 sanitises the result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import translation
from markdown_it import MarkdownIt
from markdown_it.token import Token

from . import blocks
from .glossary import GlossaryEntry, compile_terms, mark_terms
from .highlight import highlight_code
from .links import rewrite_links
from .sanitize import sanitize_html, strip_user_attributes

__all__ = ["GlossaryEntry", "Rendered", "SectionText", "render_markdown"]

WORDS_PER_MINUTE = 220
CJK_CHARS_PER_MINUTE = 400
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "highlight": highlight_code}).enable(
        ["table", "strikethrough"]
    )
    md.core.ruler.after("block", "gl_anchors", blocks.anchor_headings)
    md.core.ruler.after("gl_anchors", "gl_callouts", blocks.mark_callouts)
    md.core.ruler.after("inline", "gl_links", rewrite_links)
    md.core.ruler.before("gl_links", "gl_user_html", strip_user_attributes)  # the author's raw HTML only
    md.core.ruler.after("gl_links", "gl_citations", blocks.link_bare_citations)
    md.core.ruler.after("gl_citations", "gl_glossary", mark_terms)
    for name in (
        "blockquote_open",
        "blockquote_close",
        "table_open",
        "table_close",
        "fact_open",
        "fact_close",
    ):
        md.add_render_rule(name, getattr(blocks, f"render_{name}"))
    return md


_MD = _build()


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionText:
    level: int
    anchor: str
    heading: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Rendered:
    html: str
    toc: list[dict[str, object]] = field(default_factory=list)
    sections: list[SectionText] = field(default_factory=list)
    reading_minutes: int = 1
    counts: dict[str, int] = field(default_factory=dict)


def render_markdown(body: str, *, language: str, glossary: Sequence[GlossaryEntry] = ()) -> Rendered:
    """Render a lesson body in ``language`` (callout titles are translated into it)."""
    with translation.override(language):
        env = {"glossary": compile_terms(glossary)}
        tokens = _MD.parse(body, env)
        html = sanitize_html(_MD.renderer.render(tokens, _MD.options, env))
    sections = _sections(tokens)
    plain = " ".join(s.heading + " " + s.text for s in sections)
    minutes = len(_WORD.findall(_CJK.sub(" ", plain))) / WORDS_PER_MINUTE + len(_CJK.findall(plain)) / (
        CJK_CHARS_PER_MINUTE
    )
    return Rendered(
        html=html,
        toc=_toc(_outline(tokens)),
        sections=sections,
        reading_minutes=max(1, math.ceil(minutes)),
        counts=_counts(tokens),
    )


def _plain(inline: Token) -> str:
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "html_inline" and child.content.startswith('<dfn class="term"'):
            parts.append(re.sub(r"<span.*?</span>|<[^>]+>", "", child.content))
    return "".join(parts).strip()


def _sections(tokens: list[Token]) -> list[SectionText]:
    """Split the text at h1–h3 headings (text before the first heading is section "")."""
    found: list[dict[str, object]] = [{"level": 1, "anchor": "", "heading": "", "text": []}]
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h1", "h2", "h3"):
            heading = _plain(tokens[index + 1])
            found.append(
                {"level": int(token.tag[1]), "anchor": token.attrGet("id"), "heading": heading, "text": []}
            )
        elif token.type == "inline" and tokens[index - 1].type != "heading_open":
            found[-1]["text"].append(_plain(token))  # type: ignore[union-attr]
    return [
        SectionText(level=s["level"], anchor=s["anchor"], heading=s["heading"], text=" ".join(s["text"]))  # type: ignore[arg-type]
        for s in found
        if s["heading"] or s["text"]
    ]


def _outline(tokens: list[Token]) -> list[SectionText]:
    """Every heading (h1–h6) in order, without text: what the table of contents lists."""
    return [
        SectionText(level=int(t.tag[1]), anchor=t.attrGet("id") or "", heading=_plain(tokens[i + 1]), text="")  # type: ignore[arg-type]
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    ]


def _toc(sections: list[SectionText]) -> list[dict[str, object]]:
    toc: list[dict[str, object]] = []
    for section in sections:
        if section.level <= 2 and section.heading:
            toc.append({"anchor": section.anchor, "heading": section.heading, "children": []})
        elif (
            section.level >= 3 and toc
        ):  # every heading is in the outline (issue 18); deeper ones nest under h2
            toc[-1]["children"].append(  # type: ignore[union-attr]
                {"anchor": section.anchor, "heading": section.heading, "level": section.level}
            )
    return toc


def _counts(tokens: list[Token]) -> dict[str, int]:
    """Count what the importer promises to keep: headings, table rows and callouts."""
    return {
        "headings": sum(t.type == "heading_open" for t in tokens),
        "table_rows": sum(t.type == "tr_open" for t in tokens),
        "callouts": sum(t.type == "blockquote_open" and "callout" in t.meta for t in tokens),
    }
