"""Convert a Hexo/Jekyll-style study note into a structured lesson (parsing only, no database).

Sections come from headings (each gets an anchor), ``> **Note** …`` blockquotes become callouts,
bold terms become key terms; lists and tables are kept as they are. Unknown front matter keys are
kept in ``meta``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.utils.text import slugify

from .content import ContentError, decode_text, digest, split_front_matter

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


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _language(meta: dict[str, Any], body: str) -> str:
    declared = str(meta.get("lang") or meta.get("language") or "").lower()
    if declared.startswith("zh"):
        return "zh-hans"
    if declared.startswith("en"):
        return "en"
    letters = sum(char.isalpha() for char in body) or 1
    return "zh-hans" if len(_CJK.findall(body)) / letters > 0.05 else "en"


def _convert_lines(lines: list[str]) -> list[str]:
    """Anchor headings (shifted down one level when the note uses h1) and turn notes into callouts."""
    in_fence = False
    shift = any(_HEADING.match(line) and line.startswith("# ") for line in lines)
    out: list[str] = []
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        note = None if in_fence else _NOTE.match(line)
        if heading:
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


def _key_terms(body: str) -> list[str]:
    terms = (t.strip(" ：:，,（()）") for t in _BOLD.findall(body))
    return list(dict.fromkeys(t for t in terms if 0 < len(t) <= 60))


def note_convert(data: bytes, *, name: str) -> ImportedNote:
    """Parse one note; raise ``ContentError`` (file and line) for anything malformed."""
    meta, body, _line = split_front_matter(decode_text(data, path=name), path=name)
    title = str(meta.get("title") or "").strip()
    if not title:
        raise ContentError(name, 1, "the front matter has no 'title'")
    converted = "\n".join(_dedupe_anchors(_convert_lines(body.splitlines()))) + "\n"
    stem = PurePath(name).stem
    slug = (
        slugify(str(meta.get("slug") or "")) or slugify(title) or slugify(stem) or f"note-{digest(data)[:8]}"
    )
    return ImportedNote(
        slug=slug[:90],
        language=_language(meta, body),
        title=title[:200],
        body=converted,
        meta=_json_safe({k: v for k, v in meta.items() if k != "title"}),
        key_terms=_key_terms(body),
        digest=digest(data),
    )
