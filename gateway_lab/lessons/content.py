"""Read content files: lessons (Markdown + YAML front matter), drills and the glossary.

Parsing only, no database: errors are ``ContentError`` values that name the file and line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("en", "zh-hans")
DIFFICULTIES = ("easy", "medium", "hard")
DEFAULT_DIFFICULTY = "medium"  # a drill without ``difficulty:`` is neither a warm-up nor a trap
LESSON_KEYS = {"slug", "title", "order", "summary", "presets", "facts", "updated"}


@dataclass(frozen=True, slots=True)
class ContentError(Exception):
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True, kw_only=True)
class LessonFile:
    path: str
    slug: str
    language: str
    title: str
    summary: str
    order: int
    presets: list[str]
    facts: list[str]
    updated: dt.date | None
    body: str
    meta: dict[str, Any] = field(default_factory=dict)
    digest: str = ""


def digest(data: bytes | str) -> str:
    """Return the SHA-256 hex digest of ``data``."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def split_front_matter(text: str, *, path: str) -> tuple[dict[str, Any], str, int]:
    """Split ``---`` YAML front matter from the body; return (meta, body, body's first line)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ContentError(path, 1, "no YAML front matter: the file must start with a '---' line")
    index = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() in ("---", "...")), 0)
    if not index:
        raise ContentError(path, 1, "the front matter is not closed by a '---' line")
    try:
        meta = yaml.safe_load("".join(lines[1:index])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + 2) if mark is not None else 1  # +1 for 0-based, +1 for the opening '---'
        raise ContentError(path, line, f"broken YAML front matter: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(meta, dict):
        raise ContentError(path, 2, "the front matter must be a YAML mapping (key: value)")
    return meta, "".join(lines[index + 1 :]), index + 2


def decode_text(data: bytes, *, path: str) -> str:
    """Decode UTF-8 text, rejecting binary files and other encodings with the offending line."""
    if b"\x00" in data:
        return _fail_at(data, data.index(b"\x00"), path, "binary file (NUL byte): expected UTF-8 Markdown")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _fail_at(
            data, exc.start, path, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        )


def _fail_at(data: bytes, offset: int, path: str, message: str) -> str:
    raise ContentError(path, data.count(b"\n", 0, offset) + 1, message)


def read_lesson(path: Path, *, language: str) -> LessonFile:
    """Parse one lesson file of the course."""
    raw = path.read_bytes()
    meta, body, _line = split_front_matter(decode_text(raw, path=str(path)), path=str(path))
    for key in ("slug", "title"):
        if not str(meta.get(key) or "").strip():
            raise ContentError(str(path), 2, f"front matter needs '{key}'")
    updated = meta.get("updated")
    return LessonFile(
        path=str(path),
        slug=str(meta["slug"]).strip(),
        language=language,
        title=str(meta["title"]).strip(),
        summary=str(meta.get("summary") or "").strip(),
        order=int(meta["order"]) if meta.get("order") is not None else 100,  # 0 is a valid order
        presets=[str(p) for p in meta.get("presets") or []],
        facts=[str(f) for f in meta.get("facts") or []],
        updated=updated if isinstance(updated, dt.date) else None,
        body=body,
        meta={k: v for k, v in meta.items() if k not in LESSON_KEYS},
        digest=digest(raw),
    )


def lesson_files(root: Path) -> list[tuple[Path, str]]:
    """List ``content/lessons/<lang>/*.md`` as (path, language)."""
    return [(path, lang) for lang in LANGUAGES for path in sorted((root / "lessons" / lang).glob("*.md"))]


def read_yaml_list(path: Path) -> list[dict[str, Any]]:
    """Parse a YAML file that holds a list of mappings (drills, glossary)."""
    try:
        data = yaml.safe_load(decode_text(path.read_bytes(), path=str(path))) or []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ContentError(str(path), (mark.line + 1) if mark else 1, f"broken YAML: {exc}") from exc
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ContentError(str(path), 1, "expected a YAML list of mappings")
    return data


def validate_drill(item: dict[str, Any], *, path: str) -> None:
    """Check a drill has an id, a question, options with explanations and at least one right answer."""
    name = item.get("id") or "?"
    options = item.get("options") or []
    problems = [
        "no id" if not item.get("id") else "",
        "no lesson" if not item.get("lesson") else "",
        "no question" if not isinstance(item.get("question"), dict) else "",
        "fewer than two options" if len(options) < 2 else "",
        "no correct option" if not any(o.get("correct") for o in options) else "",
        "an option has no explanation" if not all(o.get("explanation") for o in options) else "",
        f"difficulty must be one of {', '.join(DIFFICULTIES)}"
        if item.get("difficulty") is not None and drill_difficulty(item) not in DIFFICULTIES
        else "",
    ]
    if any(problems):
        raise ContentError(path, 1, f"drill {name}: " + ", ".join(p for p in problems if p))


def drill_difficulty(item: dict[str, Any]) -> str:
    """Return a drill's ``difficulty:`` (``easy``, ``medium`` or ``hard``), ``medium`` when absent."""
    value = item.get("difficulty")
    return DEFAULT_DIFFICULTY if value is None else str(value).strip().lower()


def glossary_aliases(item: dict[str, Any]) -> dict[str, list[str]]:
    """Return a glossary entry's ``aliases`` per language.

    Accepted forms: a mapping ``{en: [...], zh-hans: [...]}`` (a single string per language is fine),
    or a plain list, whose names then belong to no language in particular (stored under ``"*"``).
    """
    raw = item.get("aliases")
    if not raw:
        return {}
    if isinstance(raw, (list, str)):
        raw = {"*": raw}
    if not isinstance(raw, dict):
        return {}
    aliases: dict[str, list[str]] = {}
    for language, names in raw.items():
        names = [names] if isinstance(names, str) else list(names or [])
        cleaned = [str(name).strip() for name in names if str(name or "").strip()]
        if cleaned:
            aliases[str(language)] = cleaned
    return aliases
