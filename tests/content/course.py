"""The course read straight from ``content/`` (no database), shared by the content checks."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gateway_lab.lessons import content

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
LANGUAGES = content.LANGUAGES

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_ANCHOR = re.compile(r"\{#([^}]*)\}$")
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LINK = re.compile(r"\]\((preset|fact|lesson):([^)\s]*)\)")
_CALLOUT = re.compile(r"^> \[!([A-Z]+)\]\s*$")
_FACT_HEADING = re.compile(r"^#{2,3}\s+(\d+(?:\.\d+)?)\.?\s", re.MULTILINE)


def _lessons() -> dict[str, dict[str, content.LessonFile]]:
    """Return the parsed lesson files by slug, then language."""
    found: dict[str, dict[str, content.LessonFile]] = defaultdict(dict)
    for path, language in content.lesson_files(CONTENT):
        lesson = content.read_lesson(path, language=language)
        found[lesson.slug][language] = lesson
    return dict(found)


def _prose_lines(body: str) -> Iterator[str]:
    """Yield the body's lines outside fenced code blocks."""
    fenced = False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced:
            yield line


def _headings(body: str) -> list[tuple[int, str, str]]:
    """Return (level, text, anchor or "") for each heading."""
    result = []
    for line in _prose_lines(body):
        match = _HEADING.match(line)
        if match:
            anchor = _ANCHOR.search(match.group(2))
            result.append((len(match.group(1)), match.group(2), anchor.group(1) if anchor else ""))
    return result


def _anchors(body: str) -> set[str]:
    return {anchor for _level, _text, anchor in _headings(body) if anchor}


def _callouts(body: str) -> list[tuple[str, str]]:
    """Return (KIND, text) for each ``> [!KIND]`` callout."""
    found: list[tuple[str, list[str]]] = []
    inside = False
    for line in _prose_lines(body):
        match = _CALLOUT.match(line)
        if match:
            found.append((match.group(1), []))
            inside = True
        elif inside and line.startswith(">"):
            found[-1][1].append(line[1:].strip())
        else:
            inside = False
    return [(kind, " ".join(lines)) for kind, lines in found]


def _drills() -> list[tuple[str, dict[str, Any]]]:
    """Return (file stem, drill) for every drill."""
    return [
        (path.stem, item)
        for path in sorted((CONTENT / "drills").glob("*.yaml"))
        for item in content.read_yaml_list(path)
    ]


LESSONS = _lessons()
SLUGS = sorted(LESSONS)
DRILLS = _drills()
GLOSSARY = content.read_yaml_list(CONTENT / "glossary.yaml")
PAIRS = [(slug, language) for slug in SLUGS for language in LANGUAGES]
