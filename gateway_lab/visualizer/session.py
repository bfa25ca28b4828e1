"""WebSocket sessions in the visualizer: the engine's session timeline as a list of events (§9).

Display only: the event kinds, routes, statuses and deliveries all come from the engine's timeline
(``engine.websocket.session``); this module labels them and links each event to its trace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "connect": _("connect"),
    "message": _("message"),
    "disconnect": _("disconnect"),
    "post": _("@connections post"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """What the gateway sent to a client: a push through @connections, or a close."""

    to: str
    connection_id: str
    text: str
    close_code: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRow:
    """One session event as the list shows it."""

    number: int  # 1-based
    client: str
    event: str
    event_label: str
    label: str
    route_key: str | None
    status: int
    kind: str
    t_ms: float
    href: str
    selected: bool
    deliveries: tuple[Delivery, ...]
    reply: str | None


def is_session(timeline: Sequence[Mapping[str, Any]]) -> bool:
    """True when the engine played a WebSocket session (its timeline rows name events)."""
    return bool(timeline) and "event" in timeline[0]


def session_rows(
    timeline: Sequence[Mapping[str, Any]], *, selected: int, href_for: Callable[[int], str]
) -> list[EventRow]:
    """Return one row per session event, linking each to its trace with ``href_for(index)``."""
    return [
        EventRow(
            number=i + 1,
            client=str(entry.get("client", "")),
            event=str(entry["event"]),
            event_label=str(EVENT_LABELS.get(entry["event"], entry["event"])),
            label=str(entry.get("label", "")),
            route_key=entry.get("route_key"),
            status=int(entry["status"]),
            kind=str(entry.get("kind", "")),
            t_ms=float(entry.get("t_ms", 0.0)),
            href=href_for(i),
            selected=i == selected,
            deliveries=tuple(_delivery(d) for d in entry.get("deliveries") or ()),
            reply=entry.get("reply"),
        )
        for i, entry in enumerate(timeline)
    ]


def _delivery(data: Mapping[str, Any]) -> Delivery:
    if "close" in data:
        return Delivery(
            to=str(data["close"]), connection_id="", text="", close_code=int(data.get("code", 1000))
        )
    return Delivery(
        to=str(data["to"]), connection_id=str(data.get("connection_id", "")), text=str(data["data"])
    )
