"""The live lab stores page (``/gw-stores/``): the queues, streams and tables live APIs write to, and the
queue consumer's rate. The depth of each queue refreshes every second (htmx), so a burst sent with curl
is seen landing at once and draining at the consumer's rate (peak shaving with SQS).

Guarded like the request log (it shows other people's message bodies): anyone while ``DEBUG`` is on,
staff only otherwise.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from .lab_consumer import MAX_RATE, LabConsumers, live_consumers
from .lab_redis import RedisLabConsumers
from .log_views import _guard

CHART_W, CHART_H = 240, 60
SHOWN = 20  # stream records and table items shown per store


class ConsumerRateForm(forms.Form):
    queue = forms.RegexField(regex=r"^[A-Za-z0-9_-]{1,80}$", max_length=80)
    # hx-preserve: the field keeps what is being typed while the list refreshes every second.
    rate = forms.FloatField(
        label=_("Messages per second (0 pauses)"), min_value=0, max_value=MAX_RATE,
        widget=forms.NumberInput(attrs={"hx-preserve": "true", "step": "any"}),
    )  # fmt: skip


def _chart(history: list[tuple[float, int]]) -> str:
    """Return an SVG polyline's points for the depth history (newest on the right)."""
    if not history:
        return ""
    top = max(1, max(depth for _, depth in history))
    step = CHART_W / max(1, len(history) - 1)
    return " ".join(
        f"{i * step:.1f},{CHART_H - depth * CHART_H / top:.1f}" for i, (_, depth) in enumerate(history)
    )


def _context(consumers: LabConsumers | RedisLabConsumers, **extra: Any) -> dict[str, Any]:
    now_ms = consumers.services.now_ms()
    queues = consumers.rows(now_ms)
    for row in queues:
        row["points"] = _chart(row["history"])
        row["peak"] = max((depth for _, depth in row["history"]), default=0)
        row["form"] = ConsumerRateForm(
            initial={"queue": row["name"], "rate": row["rate"]}, auto_id=f"id_{row['name']}_%s"
        )
    snapshot = consumers.services.snapshot()
    streams = [
        {"name": name, "count": len(data["records"]), "records": data["records"][-SHOWN:][::-1]}
        for name, data in sorted(snapshot["streams"].items())
    ]
    tables = [
        {
            "name": name,
            "count": len(items),
            "items": [json.dumps(item, sort_keys=True) for item in items[:SHOWN]],
        }
        for name, items in sorted((n, list(t.get("items", []))) for n, t in snapshot["tables"].items())
    ]
    return {
        "queues": queues,
        "streams": streams,
        "tables": tables,
        "chart_w": CHART_W,
        "chart_h": CHART_H,
        **extra,
    }


@require_GET
def stores_page(request: HttpRequest) -> HttpResponse:
    """The lab stores of this server process; ``#stores`` is the fragment htmx refreshes every second."""
    if (denied := _guard(request)) is not None:
        return denied
    template = "livegw/stores.html"
    if getattr(request, "htmx", None) and request.htmx.target == "stores":
        template += "#stores"
    return render(request, template, _context(live_consumers()))


@require_POST
def consumer_rate(request: HttpRequest) -> HttpResponse:
    """Set a queue consumer's rate (messages per second; 0 pauses); answers the ``#stores`` fragment."""
    if (denied := _guard(request)) is not None:
        return denied
    consumers = live_consumers()
    form = ConsumerRateForm(request.POST)
    if not form.is_valid():
        errors = [
            {"field": name, "message": str(m)} for name, messages in form.errors.items() for m in messages
        ]
        return render(request, "livegw/stores.html#stores", _context(consumers, errors=errors), status=400)
    consumers.set_rate(form.cleaned_data["queue"], form.cleaned_data["rate"], consumers.services.now_ms())
    return render(request, "livegw/stores.html#stores", _context(consumers))
