"""Our link schemes: ``preset:NAME``, ``lesson:SLUG#ANCHOR`` and ``fact:3.2`` (a citation, not a link)."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from django.urls import NoReverseMatch, reverse

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # Django's <slug:…> converter, which lessons:detail uses


class LinkTargetError(ValueError):
    """A ``lesson:`` link names no possible lesson (``[x](lesson:)``, ``lesson:a/b`` …)."""

    def __init__(self, href: str, line: int) -> None:
        super().__init__(f"the link target {href!r} is not a lesson: write lesson:SLUG or lesson:SLUG#ANCHOR")
        self.href = href
        self.line = line  # 0-based line in the Markdown source of the block holding the link


def preset_url(name: str) -> str:
    """Return the visualizer URL that opens preset ``name`` (``NoReverseMatch`` without the visualizer)."""
    return f"{reverse('visualizer:page')}?{urlencode({'preset': name})}"


def lesson_url(target: str) -> str:
    """Return the URL of ``slug#anchor`` (or ``slug``); raise ``ValueError`` if the slug is not one."""
    slug, _, anchor = target.partition("#")
    if not _SLUG.fullmatch(slug):
        raise ValueError(f"not a lesson slug: {slug!r}")
    url = reverse("lessons:detail", kwargs={"slug": slug})
    return f"{url}#{quote(anchor)}" if anchor else url


def rewrite_links(state) -> None:  # noqa: ANN001 - markdown-it's StateCore
    """Turn our schemes into URLs, and ``fact:`` links into ``<cite>`` elements.

    A ``lesson:`` link that names no possible lesson raises ``LinkTargetError`` (with its line), so
    the importer can report it for that file instead of failing in ``reverse()``.
    """
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        open_facts: list[bool] = []
        for child in token.children:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                is_fact = href.startswith("fact:")
                open_facts.append(is_fact)
                if is_fact:
                    child.type = "fact_open"
                    child.meta["fact"] = href.removeprefix("fact:")
                elif href.startswith("preset:"):
                    child.attrSet("href", preset_url(href.removeprefix("preset:")))
                    child.attrSet("class", "preset-link")
                    child.attrSet("data-preset", href.removeprefix("preset:"))
                elif href.startswith("lesson:"):
                    try:
                        child.attrSet("href", lesson_url(href.removeprefix("lesson:")))
                    except (ValueError, NoReverseMatch) as exc:
                        raise LinkTargetError(href, (token.map or (0, 0))[0]) from exc
            elif child.type == "link_close" and open_facts and open_facts.pop():
                child.type = "fact_close"
