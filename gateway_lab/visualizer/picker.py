"""The preset picker: every preset (read from the engine) grouped under its main lesson's title.

Preset texts come as ``{"en": ..., "zh-hans": ...}``; ``localised`` picks the page's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.utils.translation import get_language

from gateway_lab.engine import list_presets

from .lesson_refs import LessonRef, lesson_refs


@lru_cache(maxsize=1)
def preset_summaries() -> tuple[Mapping[str, Any], ...]:
    """Return every preset's summary (presets ship with the code, so once per process is enough)."""
    return tuple(list_presets())


def preset_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the picker's choices: presets grouped under their main lesson's title, in course order."""
    summaries = preset_summaries()
    refs = lesson_refs((_main_lesson(p) for p in summaries), language=get_language() or "en")
    groups: dict[str, tuple[LessonRef | None, list[tuple[str, str]]]] = {}
    for preset in summaries:
        anchor = _main_lesson(preset)
        slug = (anchor or "").partition("#")[0]
        ref = refs.get(anchor) if anchor else None
        groups.setdefault(slug, (ref, []))[1].append((str(preset["name"]), _title(preset)))
    ordered = sorted(groups.values(), key=lambda g: (g[0].order if g[0] else 10_000, _group_label(g[0])))
    return [(_group_label(ref), choices) for ref, choices in ordered]


def _main_lesson(preset: Mapping[str, Any]) -> str | None:
    return preset.get("lesson") or next(iter(preset.get("lessons") or ()), None)


def _group_label(ref: LessonRef | None) -> str:
    return ref.lesson_title if ref else "—"


def _title(preset: Mapping[str, Any]) -> str:
    return localised(preset.get("title")) or str(preset["name"])


def localised(value: Any) -> str:
    """Return a preset text in the page's language (files give ``{"en": ..., "zh-hans": ...}`` or a string)."""
    if isinstance(value, Mapping):
        return str(value.get(get_language() or "en") or value.get("en") or "")
    return str(value or "")
