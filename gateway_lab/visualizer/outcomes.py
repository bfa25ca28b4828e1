"""What each stage can decide, and the Response stage told by its status class.

``STAGE_OUTCOMES`` lists the outcomes the engine's stage modules can record (``tests/visualizer``
reads the engine's source and every preset's traces to keep it honest), so predict-then-reveal
offers only answers that stage can give: hit/miss only at Cache and Auth, never at Routing.

The Response stage always "passes" in the engine (it delivers whatever the earlier stages
decided), so a green ✓ would call a 429 or a 502 a success. The page shows it by status class
instead: ``2xx`` ok, ``4xx`` client error, ``5xx`` server error, in words and shape, not colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from django.utils.translation import gettext_lazy as _

from .labels import OUTCOME_LABELS
from .steps import StepView

STAGE_OUTCOMES: Mapping[str, tuple[str, ...]] = {
    "endpoint": ("pass", "reject"),
    "routing": ("pass", "reject", "skip"),
    "resource_policy": ("pass", "reject", "skip", "error"),
    "auth": ("pass", "hit", "reject", "skip", "error"),
    "api_key": ("pass", "reject", "skip", "error"),
    "throttle": ("pass", "reject"),
    "validation": ("pass", "reject", "skip"),
    "cache": ("hit", "miss", "skip", "reject"),
    "integration": ("pass", "skip", "error"),
    "response": ("2xx", "3xx", "4xx", "5xx"),  # by status class, see module docstring
}
STATUS_CLASSES = ("2xx", "3xx", "4xx", "5xx")
STATUS_CLASS_LABELS = {
    "2xx": _("2xx success"),
    "3xx": _("3xx redirect"),
    "4xx": _("4xx client error"),
    "5xx": _("5xx server error"),
}
STATUS_CLASS_SHORT = {  # fits a diagram box
    "2xx": _("success"),
    "3xx": _("redirect"),
    "4xx": _("client error"),
    "5xx": _("server error"),
}
# How a status class is drawn: the diagram's shape/colour classes of the matching outcome.
STATUS_CLASS_LOOK = {"2xx": "pass", "3xx": "miss", "4xx": "reject", "5xx": "error"}


def status_class(status: int | str | None) -> str:
    """Return ``"2xx"``…``"5xx"`` for an HTTP status (anything outside 200–599 counts as 5xx)."""
    try:
        hundreds = int(status or 0) // 100
    except (TypeError, ValueError):
        hundreds = 5
    return f"{hundreds}xx" if 2 <= hundreds <= 5 else "5xx"


def outcome_label(outcome: str) -> str:
    """Return the translated word of an outcome or a status class."""
    label = STATUS_CLASS_LABELS.get(outcome) or OUTCOME_LABELS.get(outcome) or outcome
    return str(label)


def short_status_label(status: str, klass: str) -> str:
    """Return ``"429 client error"``: a diagram box's words for the Response stage."""
    return f"{status} {STATUS_CLASS_SHORT.get(klass, klass)}"


def choices_for(stage: str) -> tuple[str, ...]:
    """Return the outcomes a learner may predict for ``stage`` (the ones it can produce)."""
    return STAGE_OUTCOMES.get(stage, ("pass", "reject", "error"))


def response_outcome(step: StepView, response: Mapping[str, Any]) -> StepView:
    """Return the Response step told by the status class of ``response`` (other steps unchanged)."""
    if step.stage != "response":
        return step
    klass = status_class(response.get("status"))
    status = response.get("status")
    return replace(step, outcome=klass, outcome_label=f"{status} · {outcome_label(klass)}")


def with_status_classes(steps: Sequence[StepView], response: Mapping[str, Any]) -> tuple[StepView, ...]:
    """Return ``steps`` with the Response step told by status class."""
    return tuple(response_outcome(s, response) for s in steps)


def look(outcome: str) -> str:
    """Return the CSS/shape outcome a diagram node uses to draw ``outcome`` (status classes map)."""
    return STATUS_CLASS_LOOK.get(outcome, outcome)
