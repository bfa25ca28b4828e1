"""``{{ step.fact|fact_url }}``: link a GATEWAY_FACTS.md section number to the facts page."""

from __future__ import annotations

from django import template

from ..facts import fact_url as _fact_url

register = template.Library()


@register.filter
def fact_url(fact: object) -> str:
    """Return ``/facts/#s3-2`` for ``"3.2"`` (empty for no section)."""
    return _fact_url(str(fact)) if fact not in (None, "") else ""
