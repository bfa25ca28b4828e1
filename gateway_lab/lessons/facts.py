"""GATEWAY_FACTS.md as a readable page: ``content/facts/<language>.md`` rendered like a lesson.

Numbered headings get stable anchors in every language (``## 3. Throttling`` → ``#s3``,
``### 3.1 Algorithm`` → ``#s3-1``), so a citation such as ``§3.1`` links to the same place
whether the reader follows it in English or in Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse

_NUMBERED_HEADING = re.compile(r"^(#{2,3})[ \t]+(\d+(?:\.\d+)?)\.?[ \t]+(.+?)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True, slots=True, kw_only=True)
class FactsPage:
    language: str
    html: str
    toc: list[dict[str, object]]


def facts_root() -> Path:
    return Path(getattr(settings, "GATEWAY_LAB_FACTS_DIR", settings.BASE_DIR / "content" / "facts"))


def fact_anchor(fact: str) -> str:
    """Return the page anchor of section ``fact`` (``"3.1"`` → ``"s3-1"``).

    Sections that have no heading of their own (the numbered items of §14) point at their parent.
    """
    number = str(fact).strip().removeprefix("§").strip().rstrip(".")
    anchor = "s" + number.replace(".", "-")
    known = known_anchors()
    if known and anchor not in known:
        parent = "s" + number.split(".")[0]
        return parent if parent in known else anchor
    return anchor


def fact_url(fact: str) -> str:
    """Return the URL of section ``fact`` on the facts page."""
    return f"{reverse('facts')}#{fact_anchor(fact)}"


def add_anchors(markdown: str) -> str:
    """Give every numbered ``##``/``###`` heading its ``{#sN-M}`` anchor."""

    def replace(match: re.Match[str]) -> str:
        _hashes, number, title = match.groups()
        if title.endswith("}") and "{#" in title:  # an explicit anchor wins
            return match.group(0)
        return f"{match.group(0)} {{#s{number.replace('.', '-')}}}"

    return _NUMBERED_HEADING.sub(replace, markdown)


def _path(language: str) -> Path:
    root = facts_root()
    path = root / f"{language}.md"
    return path if path.exists() else root / "en.md"


@lru_cache(maxsize=1)
def _known(path: str, mtime: float) -> frozenset[str]:
    text = Path(path).read_text(encoding="utf-8")
    return frozenset("s" + m.group(2).replace(".", "-") for m in _NUMBERED_HEADING.finditer(text))


def known_anchors() -> frozenset[str]:
    """Return the anchors of the English page (every translation has the same numbered headings)."""
    path = facts_root() / "en.md"
    if not path.exists():
        return frozenset()
    return _known(str(path), path.stat().st_mtime)


@lru_cache(maxsize=4)
def _render(path: str, mtime: float, language: str) -> FactsPage:
    from .rendering import render_markdown  # the renderer links citations through this module

    rendered = render_markdown(add_anchors(Path(path).read_text(encoding="utf-8")), language=language)
    return FactsPage(language=language, html=rendered.html, toc=rendered.toc)


def facts_page(*, language: str) -> FactsPage:
    """Return the rendered facts in ``language`` (English if there is no translation)."""
    path = _path(language)
    shown = language if path.stem == language else "en"
    return _render(str(path), path.stat().st_mtime, shown)
