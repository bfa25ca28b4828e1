"""Search lesson sections in both languages, with highlighted snippets.

Chinese has no spaces between words, so every backend also matches substrings (``icontains``):
a two-character query such as 节流 must find its sections. On PostgreSQL, full-text search
(``simple`` configuration, websearch syntax) is added for Latin text and ranks the hits. There the
vector is a stored column (migration 0006): computing ``to_tsvector`` per section at query time cost
88–185 ms with 1,000 pages (bench/wiki.py), reading it costs a few.

The glossary joins the index: a query that names a glossary term, in either language or by one of
its aliases (AWS's zh-CN 使用计划 for our 用量计划), also finds every other name of that term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Expression, Q, QuerySet, TextField, Value
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from .models import GlossaryTerm, LessonSection

MAX_QUERY = 100
ROW_FIELDS = ("position", "anchor", "heading", "text", "lesson__slug", "lesson__title", "lesson__language", "lesson__order")  # fmt: skip
SNIPPET_CHARS = 180


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit:
    lesson_slug: str
    lesson_title: str
    language: str
    anchor: str
    heading: SafeString
    snippet: SafeString
    url: str  # the lesson in the hit's own language, at the section


def query_terms(query: str) -> list[str]:
    """Split a query into terms (whitespace separated, duplicates dropped)."""
    return list(dict.fromkeys(query.strip()[:MAX_QUERY].split()))


def glossary_names() -> list[list[str]]:
    """Return every glossary term's names: its spelling in each language and its aliases."""
    names = []
    for terms, aliases in GlossaryTerm.objects.values_list("terms", "aliases"):
        found = [str(t) for t in (terms or {}).values() if t]
        for group in (aliases or {}).values():
            found.extend(str(a) for a in group if a)
        names.append(list(dict.fromkeys(found)))
    return names


def query_groups(query: str) -> list[list[str]]:
    """Return what a section must contain: one group of alternatives per query term.

    A whole query (``usage plan``) or a single term that is a glossary name expands into all the
    names of that term, so 使用计划 also finds 用量计划 and "usage plan".
    """
    terms = query_terms(query)
    if not terms:
        return []
    names = glossary_names()

    def synonyms(text: str) -> list[str] | None:
        folded = text.casefold()
        for group in names:
            if any(name.casefold() == folded for name in group):
                return list(dict.fromkeys([text, *group]))
        return None

    whole = synonyms(" ".join(terms)) if len(terms) > 1 else None
    if whole:
        return [whole]
    return [synonyms(term) or [term] for term in terms]


def search_sections(*, query: str, language: str, limit: int = 30) -> list[SearchHit]:
    """Return matching sections, the reader's language first, headings matches before body matches."""
    groups = query_groups(query)
    if not groups:
        return []
    terms = [term for group in groups for term in group]
    typed = [term.casefold() for term in query_terms(query)]
    # Plain rows with only what a hit shows: model instances with their lesson (whose body and HTML
    # are tens of KB for a course lesson) cost more than the query itself on 1,000 pages.
    matching = _matching(groups, query)
    fields = [*ROW_FIELDS, *(["rank"] if "rank" in matching.query.annotations else [])]
    ranked = sorted(
        matching.values(*fields)[:200],
        key=lambda s: (
            # What the reader typed beats its glossary synonyms: 节流 finds 节流 before "throttling".
            not all(t in f"{s['heading']} {s['text']}".casefold() for t in typed),
            s["lesson__language"] != language,
            -s.get("rank", 0),
            not any(t.casefold() in s["heading"].casefold() for t in terms),
            s["lesson__order"],
            s["position"],
        ),
    )
    urls: dict[str, str] = {}
    return [_hit(section, terms, language=language, urls=urls) for section in ranked[:limit]]


class _Stored(Expression):
    """A column PostgreSQL generates and stores for each section (migration 0006); the model has none."""

    column = ""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        table = compiler.quote_name_unless_alias(LessonSection._meta.db_table)
        return f"{table}.{connection.ops.quote_name(self.column)}", []


class StoredVector(_Stored):
    """``search_vector``: the heading weighted ``A``, the text ``B``, ``simple`` configuration."""

    column = "search_vector"
    output_field = SearchVectorField()


class StoredFolded(_Stored):
    """``search_folded``: ``upper(heading || newline || text)``, for substring matches (Chinese)."""

    column = "search_folded"
    output_field = TextField()


def _matching(groups: list[list[str]], query: str) -> QuerySet[LessonSection]:
    sections = LessonSection.objects.all()
    postgres = connection.vendor == "postgresql"
    substring = Q()
    for group in groups:
        alternatives = Q()
        for term in group:
            if postgres:  # one LIKE on a stored upper-cased copy, instead of upper() twice per row and term
                alternatives |= Q(folded__contains=Upper(Value(term)))
            else:
                alternatives |= Q(heading__icontains=term) | Q(text__icontains=term)
        substring &= alternatives
    if not postgres:
        return sections.filter(substring)
    search = SearchQuery(query, config="simple", search_type="websearch")
    matching = sections.alias(vector=StoredVector(), folded=StoredFolded()).filter(
        Q(vector=search) | substring
    )
    return matching.annotate(rank=SearchRank(StoredVector(), search))


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


def hit_url(
    *, slug: str, anchor: str, language: str, reader_language: str, urls: dict[str, str] | None = None
) -> str:
    """Return the lesson URL of a hit: in the hit's language (``?lang=``) when it is not the reader's.

    ``urls`` caches the lessons' URLs by slug for one result list.
    """
    urls = {} if urls is None else urls
    if slug not in urls:
        urls[slug] = reverse("lessons:detail", kwargs={"slug": slug})
    url = urls[slug]
    if language != reader_language:
        url += f"?lang={language}"
    return f"{url}#{anchor}" if anchor else url


def _hit(section: dict[str, Any], terms: list[str], *, language: str, urls: dict[str, str]) -> SearchHit:
    return SearchHit(
        lesson_slug=section["lesson__slug"],
        lesson_title=section["lesson__title"],
        language=section["lesson__language"],
        anchor=section["anchor"],
        heading=highlight(section["heading"] or section["lesson__title"], terms),
        snippet=highlight(snippet_window(section["text"], terms), terms),
        url=hit_url(
            slug=section["lesson__slug"],
            anchor=section["anchor"],
            language=section["lesson__language"],
            reader_language=language,
            urls=urls,
        ),
    )
