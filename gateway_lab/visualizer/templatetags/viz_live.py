"""``{% replay_url entry %}``: open a live request (a request log entry) in the visualizer, on its stage."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from gateway_lab.livegw.curl import replay_params

register = template.Library()


@register.simple_tag
def replay_url(entry: dict[str, Any]) -> str:
    """Return ``/visualizer/?live=<api-id>/<stage>&method=…`` replaying ``entry`` (masked credentials left out)."""
    return f"{reverse('visualizer:page')}?{urlencode(replay_params(entry))}"
