"""Turn drills into view data in the reader's language, so templates stay free of logic."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from gateway_lab.engine import PresetNotFound, load_preset

from .forms import DIFFICULTY_CHOICES
from .models import Drill, DrillAnswer
from .rendering.links import preset_url


def pick(texts: dict[str, str] | str, language: str) -> str:
    """Return the text in ``language``, falling back to English, then to any language."""
    if isinstance(texts, str):
        return texts
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


def difficulty_label(value: str) -> str:
    """Return the translated name of a drill difficulty."""
    return str(dict(DIFFICULTY_CHOICES).get(value, value))


def correct_indexes(drill: Drill) -> set[int]:
    """Return the indexes of the right options."""
    return {i for i, option in enumerate(drill.options) if option.get("correct")}


def drill_view(drill: Drill, *, language: str, chosen: list[int] | None = None) -> dict[str, Any]:
    """Return a drill's question and options; with ``chosen``, also the verdict and every explanation."""
    answered = chosen is not None
    picked = set(chosen or [])
    right = correct_indexes(drill)
    options = [
        {
            "index": index,
            "text": pick(option.get("text") or {}, language),
            "correct": index in right,
            "chosen": index in picked,
            "explanation": pick(option.get("explanation") or {}, language) if answered else "",
        }
        for index, option in enumerate(drill.options)
    ]
    lesson = reverse("lessons:detail", kwargs={"slug": drill.lesson_slug})
    return {
        "drill": drill,
        "id": drill.drill_id,
        "question": pick(drill.question, language),
        "multiple": drill.multiple,
        "options": options,
        "answered": answered,
        "unanswered": answered and not picked,  # an exam question left blank
        "is_correct": answered and picked == right,
        "difficulty": drill.difficulty,
        "difficulty_label": difficulty_label(drill.difficulty),
        "lesson_url": f"{lesson}#{drill.section}" if drill.section else lesson,
        "preset_url": preset_url(drill.preset) if drill.preset else "",
        "fact": drill.fact,
    }


def answer_view(answer: DrillAnswer, *, language: str) -> dict[str, Any]:
    """Return the drill view for a recorded answer."""
    return drill_view(answer.drill, language=language, chosen=list(answer.chosen))


def preset_titles(names: list[str], *, language: str) -> dict[str, str]:
    """Return each preset's title in ``language`` (its name when the preset file is missing)."""
    titles = {}
    for name in names:
        try:
            title = load_preset(name).get("title") or name
        except PresetNotFound:
            title = name
        titles[name] = pick(title, language) or name
    return titles
