"""Where a room is (a visualizer preset and step, or a lesson section) and the polls drawn from it.

A position is plain JSON, checked here field by field before it is stored or sent: a client never
gets to name a URL, only a preset, a step, a lesson slug and an anchor, from which the server builds
the URLs itself (``with_urls``). Polls read the lessons' drills and the visualizer's own trace view,
so a "predict the next stage" poll asks about exactly the step the class is looking at.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

MAX_STEP = 50  # the visualizer's own clamp (visualizer/state.py)
MAX_REQ = 2_000
MAX_CLOCK_S = 3_600  # the visualizer's own bound on ``at`` (visualizer/forms.py)
ANCHOR_RE = re.compile(r"^[A-Za-z0-9_\-]{0,120}$")
SLUG_RE = re.compile(r"^[a-z0-9\-]{1,100}$")


def _error(code: str, field: str) -> Exception:
    from .services import ClassroomError

    return ClassroomError(code, field=field)


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _int(value: Any, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _error("bad_number", field)
    try:
        number = int(value)
    except ValueError:
        raise _error("bad_number", field) from None
    if not low <= number <= high:
        raise _error("out_of_range", field)
    return number


def _seconds(value: Any, *, field: str) -> float:
    """A virtual-clock time in seconds (the visualizer's ``at``), 0..MAX_CLOCK_S, in milliseconds."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _error("bad_number", field)
    try:
        seconds = float(value)
    except ValueError:
        raise _error("bad_number", field) from None
    if not 0 <= seconds <= MAX_CLOCK_S:  # also refuses nan
        raise _error("out_of_range", field)
    return round(seconds, 3)


def preset_names() -> set[str]:
    from gateway_lab.visualizer import picker

    return {p["name"] for p in picker.preset_summaries()}


def clean(raw: Any) -> dict[str, Any]:
    """Return the position a presenter sent, checked and normalised (ClassroomError if invalid)."""
    if not isinstance(raw, dict):
        raise _error("bad_position", "position")
    kind = raw.get("kind")
    if kind == "visualizer":
        preset = raw.get("preset")
        if not isinstance(preset, str) or preset not in preset_names():
            raise _error("unknown_preset", "preset")
        position = {
            "kind": "visualizer",
            "preset": preset,
            "step": _int(raw.get("step", 1), field="step", low=1, high=MAX_STEP),
            "req": _int(raw.get("req", 0), field="req", low=0, high=MAX_REQ),
        }
        if raw.get("at") not in (None, ""):
            position["at"] = _seconds(raw["at"], field="at")
        return position
    if kind == "lesson":
        slug, anchor = raw.get("slug"), raw.get("anchor", "")
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            raise _error("unknown_lesson", "slug")
        from gateway_lab.lessons.models import Lesson

        if not Lesson.objects.filter(slug=slug).exists():
            raise _error("unknown_lesson", "slug")
        if not isinstance(anchor, str) or not ANCHOR_RE.match(anchor):
            raise _error("bad_anchor", "anchor")
        return {"kind": "lesson", "slug": slug, "anchor": anchor}
    raise _error("bad_position", "kind")


def _visualizer_query(position: dict[str, Any]) -> dict[str, Any]:
    query = {"preset": position["preset"], "req": position["req"], "step": position["step"]}
    if position.get("at") is not None:
        query["at"] = f"{position['at']:g}"
    return query


def with_urls(position: dict[str, Any]) -> dict[str, Any]:
    """Return ``position`` plus ``frame`` (the embeddable page) and ``open`` (the page on its own)."""
    if position.get("kind") == "visualizer":
        query = _visualizer_query(position)
        return {
            **position,
            # Every stage drawn (hide=none): steps are the trace's own numbers, skipped stages included,
            # so "what happens next?" asks about the stage the class sees next.
            "frame": f"{reverse('classroom:frame_visualizer')}?{urlencode({**query, 'view': 'presenter', 'hide': 'none'})}",
            "open": f"{reverse('visualizer:page')}?{urlencode(query)}",
        }
    if position.get("kind") == "lesson":
        fragment = f"#{position['anchor']}" if position["anchor"] else ""
        return {
            **position,
            "frame": reverse("classroom:frame_lesson", kwargs={"slug": position["slug"]}) + fragment,
            "open": reverse("lessons:detail", kwargs={"slug": position["slug"]}) + fragment,
        }
    return {}


def drill_poll(drill_id: Any) -> dict[str, Any]:
    """Return a poll's fields for a single-answer drill from the lessons' drill bank."""
    from gateway_lab.lessons.models import Drill
    from gateway_lab.lessons.presenters import pick

    drill = (
        Drill.objects.filter(drill_id=drill_id, multiple=False).first() if isinstance(drill_id, str) else None
    )
    if drill is None:
        raise _error("unknown_drill", "drill")
    right = next((i for i, o in enumerate(drill.options) if o.get("correct")), None)
    if right is None:
        raise _error("unknown_drill", "drill")
    languages = _languages()
    return {
        "source": drill.drill_id,
        "question": {lang: pick(drill.question, lang) for lang in languages},
        "choices": [
            {"key": str(i), "label": {lang: pick(o.get("text") or {}, lang) for lang in languages}}
            for i, o in enumerate(drill.options)
        ],
        "answer": str(right),
        "explanation": {
            lang: pick(drill.options[right].get("explanation") or {}, lang) for lang in languages
        },
        "reveal_position": {},
    }


def _trace_view(position: dict[str, Any]) -> Any:
    """Return the visualizer's TraceView at ``position`` (the same one its page draws)."""
    from gateway_lab.visualizer import context, picker
    from gateway_lab.visualizer.forms import VisualizerForm

    query = QueryDict(mutable=True)
    query.update({k: str(v) for k, v in _visualizer_query(position).items()})
    request = HttpRequest()
    request.method, request.GET = "GET", query
    form = VisualizerForm(query, preset_choices=picker.preset_choices())
    if not form.is_valid():
        raise _error("unknown_preset", "preset")
    return context.page_data(request, form, query).get("view")


def predict_poll(position: dict[str, Any]) -> dict[str, Any]:
    """Return a poll's fields asking what the next stage of the visualizer's trace decides."""
    from gateway_lab.visualizer.outcomes import choices_for, outcome_label

    if position.get("kind") != "visualizer":
        raise _error("not_in_visualizer", "kind")
    question: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    explanation: dict[str, str] = {}
    answer, step = "", position["step"]
    for lang in _languages():
        with translation.override(lang):
            view = _trace_view(position)
            upcoming = view.upcoming if view is not None else None
            if upcoming is None:
                raise _error("no_next_stage", "step")
            answer, step = upcoming.outcome, view.step
            keys = list(choices_for(upcoming.stage))
            if answer not in keys:
                keys.append(answer)
            question[lang] = _("What happens at the next stage (%(stage)s)?") % {"stage": upcoming.label}
            for key in keys:
                labels.setdefault(key, {})[lang] = outcome_label(key)
            explanation[lang] = f"{upcoming.title} — {upcoming.reason}"
    return {
        "source": f"{position['preset']}@{position['req']}:{step}",
        "question": question,
        "choices": [{"key": key, "label": label} for key, label in labels.items()],
        "answer": answer,
        "explanation": explanation,
        "reveal_position": {**position, "step": step + 1},
    }


# Statuses a class may guess; the real one is added when it is not among them.
COMMON_STATUSES = ("200", "400", "401", "403", "404", "413", "429", "500", "502", "503", "504")


def status_poll(position: dict[str, Any]) -> dict[str, Any]:
    """Return a poll's fields asking which status code the client gets for this request."""
    if position.get("kind") != "visualizer":
        raise _error("not_in_visualizer", "kind")
    question: dict[str, str] = {}
    explanation: dict[str, str] = {}
    status, last = "", position["step"]
    for lang in _languages():
        with translation.override(lang):
            view = _trace_view(position)
            if view is None:
                raise _error("unknown_preset", "preset")
            status, last = str(view.response.get("status", "")), len(view.steps)
            decisive = next((s for s in view.steps if s.outcome in {"reject", "error"}), view.steps[-1])
            question[lang] = _("Which status code does the client get?")
            explanation[lang] = f"{decisive.label}: {decisive.title} — {decisive.reason}"
    keys = sorted({*COMMON_STATUSES, status}, key=int) if status.isdigit() else [*COMMON_STATUSES, status]
    return {
        "source": f"{position['preset']}@{position['req']}:status",
        "question": question,
        "choices": [{"key": key, "label": dict.fromkeys(_languages(), key)} for key in keys],
        "answer": status,
        "explanation": explanation,
        "reveal_position": {**position, "step": last},
    }
