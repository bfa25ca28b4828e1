"""``grouped``: a number in the page's locale with thousands grouped ("100,000,000", "350"), for the visualizer.

The site does not turn on ``USE_THOUSAND_SEPARATOR`` globally, so this forces grouping where the
visualizer shows counts and prices. Django's zh-Hans format has no thousands separator at all
("100000000"); AWS's Chinese pricing pages group by three with commas, so that is the fallback for a
locale without a separator. Whole floats drop their ``.0``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import numberformat
from django.utils.formats import get_format

register = template.Library()


def grouped_number(value: Any, decimals: int | None = None) -> str:
    """Return ``value`` formatted for the active locale with grouping (``decimals`` fixed places)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if decimals is None:
        decimals = 0 if number.is_integer() else 2
        if decimals:
            text = f"{number:.2f}".rstrip("0")
            decimals = len(text.partition(".")[2])
    separator = get_format("THOUSAND_SEPARATOR") or ","
    grouping = get_format("NUMBER_GROUPING") if get_format("THOUSAND_SEPARATOR") else 3
    return numberformat.format(
        round(number, decimals),
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=grouping,
        thousand_sep=separator,
        force_grouping=True,
    )


@register.filter
def grouped(value: Any, decimals: int | None = None) -> str:
    """Template filter: ``{{ n|grouped }}``, ``{{ usd|grouped:2 }}``."""
    return grouped_number(value, decimals)
