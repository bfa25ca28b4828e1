"""Search lesson sections in both languages, with highlighted snippets.

Chinese has no spaces between words, so every backend also matches substrings (``icontains``):
a two-character query such as 节流 must find its sections. On PostgreSQL, full-text search
(``simple`` configuration, websearch syntax) is added for Latin text and ranks the hits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from .models import LessonSection

MAX_QUERY = 100
SNIPPET_CHARS = 180


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit:
    lesson_slug: str
    lesson_title: str
    language: str
    anchor: str
    heading: SafeString
    snippet: SafeString


def query_terms(query: str) -> list[str]:
    """Split a query into terms (whitespace separated, duplicates dropped)."""
    return list(dict.fromkeys(query.strip()[:MAX_QUERY].split()))


def search_sections(*, query: str, language: str, limit: int = 30) -> list[SearchHit]:
    """Return matching sections, the reader's language first, headings matches before body matches."""
    terms = query_terms(query)
    if not terms:
        return []
    sections = _matching(terms, query).select_related("lesson")
    ranked = sorted(
        sections[:200],
        key=lambda s: (
            s.lesson.language != language,
            -getattr(s, "rank", 0),
            not any(t.casefold() in s.heading.casefold() for t in terms),
            s.lesson.order,
            s.position,
        ),
    )
    return [_hit(section, terms) for section in ranked[:limit]]


def _matching(terms: list[str], query: str) -> QuerySet[LessonSection]:
    substring = Q()
    for term in terms:
        substring &= Q(heading__icontains=term) | Q(text__icontains=term)
    sections = LessonSection.objects.all()
    if connection.vendor != "postgresql":
        return sections.filter(substring)
    vector = SearchVector("heading", weight="A", config="simple") + SearchVector(
        "text", weight="B", config="simple"
    )
    search = SearchQuery(query, config="simple", search_type="websearch")
    return sections.annotate(rank=SearchRank(vector, search)).filter(Q(rank__gt=0) | substring)


def highlight(text: str, terms: list[str]) -> SafeString:
    """Escape ``text`` and wrap each occurrence of a term in ``<mark>`` (escape first, then mark)."""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above was escaped


def snippet_window(text: str, terms: list[str]) -> str:
    """Cut ``text`` to a window around the first matching term."""
    folded = text.casefold()
    positions = [folded.find(t.casefold()) for t in terms]
    first = min((p for p in positions if p >= 0), default=0)
    start = max(0, first - SNIPPET_CHARS // 3)
    window = text[start : start + SNIPPET_CHARS]
    return ("…" if start else "") + window + ("…" if start + SNIPPET_CHARS < len(text) else "")


def _hit(section: LessonSection, terms: list[str]) -> SearchHit:
    return SearchHit(
        lesson_slug=section.lesson.slug,
        lesson_title=section.lesson.title,
        language=section.lesson.language,
        anchor=section.anchor,
        heading=highlight(section.heading or section.lesson.title, terms),
        snippet=highlight(snippet_window(section.text, terms), terms),
    )
