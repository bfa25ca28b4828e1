"""Our link schemes: ``preset:NAME``, ``lesson:SLUG#ANCHOR`` and ``fact:3.2`` (a citation, not a link)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.urls import NoReverseMatch, reverse


def preset_url(name: str) -> str:
    """Return the visualizer URL that opens preset ``name``."""
    try:
        base = reverse("visualizer:page")
    except NoReverseMatch:  # the visualizer app may not be installed yet: its URL is fixed by DESIGN.md
        base = "/visualizer/"
    return f"{base}?{urlencode({'preset': name})}"


def lesson_url(target: str) -> str:
    """Return the URL of ``slug#anchor`` (or ``slug``)."""
    slug, _, anchor = target.partition("#")
    url = reverse("lessons:detail", kwargs={"slug": slug})
    return f"{url}#{quote(anchor)}" if anchor else url


def rewrite_links(state) -> None:  # noqa: ANN001 - markdown-it's StateCore
    """Turn our schemes into URLs, and ``fact:`` links into ``<cite>`` elements."""
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
                    child.attrSet("href", lesson_url(href.removeprefix("lesson:")))
            elif child.type == "link_close" and open_facts and open_facts.pop():
                child.type = "fact_close"
