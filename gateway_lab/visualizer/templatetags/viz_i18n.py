"""Filters that show engine and preset words in the page's language (issue 10).

``viz_kind``: a timeline kind ("throttled") as its label; ``viz_level``: a token bucket's level
("account") as a word; ``viz_label``: a preset request's label ("spike") through the visualizer's
catalog. Each falls back to the value itself.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

from ..labels import KIND_LABELS, LEVEL_LABELS

register = template.Library()


@register.filter
def viz_kind(kind: Any) -> str:
    return str(KIND_LABELS.get(str(kind), kind))


@register.filter
def viz_level(level: Any) -> str:
    return str(LEVEL_LABELS.get(str(level), level))


@register.filter
def viz_label(label: Any) -> str:
    text = str(label or "")
    return gettext(text) if text else text
