"""Convert a Hexo/Jekyll-style study note into a structured lesson (parsing only, no database).

Sections come from headings (each gets an anchor), ``> **Note** …`` blockquotes become callouts,
bold terms become key terms; lists and tables are kept as they are. Unknown front matter keys are
kept in ``meta``.

A note comes from anyone with staff rights, possibly copied from the web, so its cost is bounded
before anything is parsed (issue 16): at most ``MAX_NOTE_BYTES`` (Markdown rendering is linear but
slow, about 15 µs per byte for the worst inputs measured) and ``MAX_BRACKETS`` "[" characters (the
costliest input per byte: unclosed links and images), front matter of at most
``MAX_FRONT_MATTER_BYTES`` without YAML anchors or aliases (an "alias bomb" of 333 bytes expanded to
351 MB of ``meta``), and ``meta`` of at most ``MAX_META_BYTES`` once converted to JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import yaml
from django.utils.text import slugify

from .content import ContentError, decode_text, digest, split_front_matter
from .hexo import AssetError, Notice, Resolve, hexo_convert

MAX_NOTE_BYTES = 64 * 1024  # 8 times the user's reference note, 4 times the longest course lesson
MAX_FRONT_MATTER_BYTES = 16 * 1024
MAX_FRONT_MATTER_NODES = 1_000  # YAML events: keys, values, lists and mappings
MAX_META_BYTES = 16 * 1024  # ``meta`` as stored (JSON)
MAX_KEY_TERMS = 200
# Each "[" may start a link or image that markdown-it tries to close: 64,000 of them ("![![![…", 128 KB)
# took 2.2 s to render on an idle machine and 19 s on a busy one. The course's lessons have at most 46.
MAX_BRACKETS = 2_000
MAX_HEADINGS = 500  # each heading becomes a section row of the search index; course lessons have < 30

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_ANCHOR = re.compile(r"\{#[A-Za-z0-9][A-Za-z0-9_-]*\}\s*$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
# "> **Note - title**：text", "> **Note**: text", "> **Tip** text"; the label picks the callout kind.
_NOTE = re.compile(r"^>\s*\*\*(?P<label>Note|Tip|Info|Warning|Caution|Important|Exam|注意|提示|警告|考点)\b"
                   r"\s*(?:[-–—:：]\s*)?(?P<title>.*?)\*\*\s*[:：]?\s*(?P<rest>.*)$", re.IGNORECASE)  # fmt: skip
_KINDS = {
    "warning": "PITFALL",
    "caution": "PITFALL",
    "important": "PITFALL",
    "警告": "PITFALL",
    "exam": "EXAM",
    "考点": "EXAM",
}
# GitHub's alerts ("> [!TIP]"): the callouts the renderer knows are NOTE, PITFALL and EXAM.
_ALERT = re.compile(r"^>\s*\[!(?P<label>NOTE|TIP|INFO|IMPORTANT|WARNING|CAUTION)\]\s*$", re.IGNORECASE)
# Bold text that is only a callout's label ("**Note**", "**提示：**") is never a key term.
_LABELS = {"note", "notes", "tip", "tips", "info", "warning", "caution", "important", "exam", "注意", "提示", "警告", "考点", "说明"}  # fmt: skip
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedNote:
    slug: str
    language: str
    title: str
    body: str
    meta: dict[str, Any]
    key_terms: list[str] = field(default_factory=list)
    digest: str = ""
    body_line: int = 1  # the file's line where the Markdown body starts
    written: dt.date | None = None  # front matter ``date`` (Hexo/Jekyll): when the note was written
    updated: dt.date | None = None  # front matter ``updated``, else ``date``: the lesson's date
    source: str = ""  # the body as written (before anchors and callouts), to find lines in errors
    excerpt: str = ""  # the Markdown before Hexo's ``<!-- more -->``, "" without one
    notices: tuple[Notice, ...] = ()  # what the file's report should say: unknown tags, unusable assets


def _json_safe(value: Any) -> Any:
    """Turn what YAML's safe loader builds into JSON values (``!!binary``, ``!!set``, NaN included)."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(str(v) for v in value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # PostgreSQL's jsonb refuses NaN and infinities
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # bytes from !!binary and anything else: text, never a Python object


def _check_size(data: bytes, *, name: str) -> None:
    if len(data) > MAX_NOTE_BYTES:
        raise ContentError(
            name,
            1,
            f"the note is larger than {MAX_NOTE_BYTES // 1024} KB, the limit; split it into several notes",
        )


def _check_front_matter(text: str, *, name: str) -> None:
    """Refuse front matter that is too big, has too many nodes, or uses anchors/aliases.

    Only YAML *events* are read here (no objects are built), so an alias bomb costs nothing: it is
    refused at its first ``&anchor``. Missing or broken front matter is left to
    ``split_front_matter``, which reports it with its line.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return
    end = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() in ("---", "...")), 0)
    if not end:
        return
    block = "".join(lines[1:end])
    if len(block.encode()) > MAX_FRONT_MATTER_BYTES:
        raise ContentError(
            name, 2, f"the front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KB; keep it short"
        )
    try:
        for count, event in enumerate(yaml.parse(block, Loader=yaml.SafeLoader), start=1):
            line = event.start_mark.line + 2  # +1 for 0-based, +1 for the opening '---'
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ContentError(
                    name, line, "YAML anchors and aliases (&name, *name) are not accepted in front matter"
                )
            if count > MAX_FRONT_MATTER_NODES:
                raise ContentError(
                    name, line, f"the front matter has more than {MAX_FRONT_MATTER_NODES} YAML nodes"
                )
    except yaml.YAMLError:
        return


def _check_meta(meta: dict[str, Any], *, name: str) -> None:
    size = len(json.dumps(meta, ensure_ascii=False).encode())
    if size > MAX_META_BYTES:
        raise ContentError(
            name, 2, f"the front matter holds {size} bytes of data; at most {MAX_META_BYTES} are kept"
        )


def _language(meta: dict[str, Any], body: str) -> str:
    declared = str(meta.get("lang") or meta.get("language") or "").lower()
    if declared.startswith("zh"):
        return "zh-hans"
    if declared.startswith("en"):
        return "en"
    letters = sum(char.isalpha() for char in body) or 1
    return "zh-hans" if len(_CJK.findall(body)) / letters > 0.05 else "en"


def _h1_lines(lines: list[str]) -> list[int]:
    """Return the indexes of the level-1 headings outside code fences."""
    in_fence, found = False, []
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and line.startswith("# ") and _HEADING.match(line):
            found.append(index)
    return found


def _title_heading(lines: list[str]) -> tuple[str, list[str]]:
    """Split off a note's single top heading: it is the lesson's title, not a section (issue 18).

    Returns (its text, the lines without it); ("", lines) when the note has no h1 or several.
    """
    h1 = _h1_lines(lines)
    if len(h1) != 1:
        return "", lines
    match = _HEADING.match(lines[h1[0]])
    assert match is not None
    return _ANCHOR.sub("", match.group(2)).strip(), lines[: h1[0]] + lines[h1[0] + 1 :]


def _convert_lines(lines: list[str]) -> list[str]:
    """Anchor headings and turn notes into callouts.

    A note's own top heading has already been taken as its title, so its h2s are sections and its h3s
    subsections, as written. Only a note with several h1s (each a part of it) is shifted down a level.
    """
    in_fence = False
    shift = len(_h1_lines(lines)) > 1
    out: list[str] = []
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        note = None if in_fence else _NOTE.match(line)
        alert = None if in_fence else _ALERT.match(line)
        if alert:
            out.append(f"> [!{_KINDS.get(alert.group('label').lower(), 'NOTE')}]")
        elif heading:
            level = min(6, len(heading.group(1)) + shift)
            text = heading.group(2)
            anchor = "" if _ANCHOR.search(text) else f" {{#{slugify(text) or f'section-{index + 1}'}}}"
            out.append(f"{'#' * level} {text}{anchor}")
        elif note and not (out and out[-1].startswith(">")):
            kind = _KINDS.get(note.group("label").lower(), "NOTE")
            out.append(f"> [!{kind}]")
            title, rest = note.group("title").strip(" -–—"), note.group("rest")
            out.append(f"> **{title}**" + (f" {rest}" if rest else "") if title else f"> {rest}")
        else:
            out.append(line)
    return out


def _heading_count(lines: list[str]) -> int:
    in_fence, count = False, 0
    for line in lines:
        if _FENCE.match(line):
            in_fence = not in_fence
        count += not in_fence and bool(_HEADING.match(line))
    return count


def _dedupe_anchors(lines: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for line in lines:
        match = re.search(r"\{#([A-Za-z0-9][A-Za-z0-9_-]*)\}$", line) if line.startswith("#") else None
        if match:
            count = seen[match.group(1)] = seen.get(match.group(1), 0) + 1
            if count > 1:
                line = line[: match.start()] + f"{{#{match.group(1)}-{count}}}"
        result.append(line)
    return result


_OPENING, _CLOSING = "(（[【", ")）]】"


def _trim_term(term: str) -> str:
    """Trim spaces and punctuation around a bold term, and a bracket only when it is unbalanced:
    "标准队列 (Standard)" keeps its closing bracket, "(Standard" loses its stray opening one."""
    term = term.strip(" ：:，,、。")
    while (
        term
        and term[-1] in _CLOSING
        and sum(term.count(c) for c in _OPENING) < sum(term.count(c) for c in _CLOSING)
    ):
        term = term[:-1].rstrip()
    while (
        term
        and term[0] in _OPENING
        and sum(term.count(c) for c in _OPENING) > sum(term.count(c) for c in _CLOSING)
    ):
        term = term[1:].lstrip()
    return term.strip(" ：:，,、。")


def _key_terms(body: str) -> list[str]:
    """Bold terms of the body, except callout labels (``> **Note - 长轮询**`` is a label, not a term)."""
    text = "\n".join(line for line in body.splitlines() if not _NOTE.match(line))
    terms = (_trim_term(t) for t in _BOLD.findall(text))
    return list(dict.fromkeys(t for t in terms if 0 < len(t) <= 60 and t.lower() not in _LABELS))


def _no_assets(name: str) -> str:
    raise AssetError("asset_missing")


def _excerpt_text(markdown: str, limit: int = 300) -> str:
    """Plain text of an excerpt for the lesson's summary: no images, marks, headings or link targets."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s*(?:#{1,6}\s+|>\s*(?:\[![A-Z]+\])?|[-*+]\s+|\d+\.\s+)", "", text, flags=re.MULTILINE)
    text = re.sub(r"\{#[\w-]+\}|[*_`]+|<[^>]+>", "", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def note_convert(data: bytes, *, name: str, resolve: Resolve | None = None) -> ImportedNote:
    """Parse one note; raise ``ContentError`` (file and line) for anything malformed or too big.

    Hexo's tags are turned into Markdown first (``hexo.py``); ``resolve`` gives the URL of an asset
    shipped beside the note or raises ``AssetError`` (without it, every asset is missing).
    """
    _check_size(data, name=name)
    text = decode_text(data, path=name)
    _check_front_matter(text, name=name)
    meta, body, body_line = split_front_matter(text, path=name)
    hexo = hexo_convert(body, resolve=resolve or _no_assets, first_line=body_line)
    heading, body_lines = _title_heading(hexo.body.splitlines())
    title = str(meta.get("title") or "").strip() or heading
    if not title:
        raise ContentError(
            name, 1, "the note has no title: give it a 'title' in its front matter or a top '# heading'"
        )
    kept = _json_safe({k: v for k, v in meta.items() if k != "title"})
    if isinstance(kept.get("tags"), str):  # Hexo accepts ``tags: AWS`` as well as a list
        kept["tags"] = [kept["tags"]]
    _check_meta(kept, name=name)
    if body.count("[") > MAX_BRACKETS:
        raise ContentError(
            name,
            body_line,
            f"the note has more than {MAX_BRACKETS} '[' characters (links and images); split it into several notes",
        )
    lines = _convert_lines(body_lines)
    if _heading_count(lines) > MAX_HEADINGS:
        raise ContentError(
            name, body_line, f"the note has more than {MAX_HEADINGS} headings; split it into several notes"
        )
    converted = "\n".join(_dedupe_anchors(lines)) + "\n"
    stem = PurePath(name).stem
    slug = (
        slugify(str(meta.get("slug") or "")) or slugify(title) or slugify(stem) or f"note-{digest(data)[:8]}"
    )
    return ImportedNote(
        slug=slug[:90],
        language=_language(meta, body),
        title=title[:200],
        body=converted,
        meta=kept,
        key_terms=_key_terms(body)[:MAX_KEY_TERMS],
        digest=digest(data),
        body_line=body_line,
        source=body,
        excerpt=_excerpt_text(hexo.excerpt),
        notices=tuple(hexo.notices),
        written=_date(meta.get("date")),
        updated=_date(meta.get("updated")) or _date(meta.get("date")),
    )


def _date(value: Any) -> dt.date | None:
    """A front-matter date (YAML date, datetime, or text such as ``2026-02-22 18:19:36``), else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = re.match(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})", str(value or ""))
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
