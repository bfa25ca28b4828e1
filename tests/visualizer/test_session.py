"""The visualizer plays WebSocket presets as sessions: events, routes, deliveries (GATEWAY_FACTS.md §9)."""

from __future__ import annotations

import re

import pytest

from gateway_lab.visualizer.session import is_session, session_rows

pytestmark = pytest.mark.django_db

URL = "/visualizer/?preset=websocket-chat"


def _events(html: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'data-testid="ws-event" data-event="(\w+)" data-route="([^"]*)" data-status="(\d+)"', html
    )


def test_session_page_lists_every_event_with_route_and_status(client):
    """§9: the chat preset shows 7 events: connects, sendmessage, $default, $disconnect, a 410 post."""
    events = _events(client.get(URL).content.decode())
    assert [route for _, route, _ in events] == [
        "$connect", "$connect", "sendmessage", "$default", "$disconnect", "sendmessage", "",
    ]  # fmt: skip
    assert events[-1] == ("post", "", "410")


def test_session_page_shows_the_selected_events_pushes(client):
    """§9: opening Alice's sendmessage shows the @connections pushes to alice and bob."""
    html = client.get(URL + "&req=2").content.decode()
    assert re.findall(r'data-testid="ws-push" data-to="(\w+)"', html) == ["alice", "bob"]


def test_session_page_opens_the_selected_events_trace(client):
    """§9: the selected event's trace is the one on screen (a MESSAGE routed to sendmessage)."""
    html = client.get(URL + "&req=2").content.decode()
    assert "MESSAGE / → 200" in html


def test_session_page_hides_the_burst_form(client):
    """§9: a session's events come from its script, so the burst form is not offered."""
    assert 'data-testid="burst-form"' not in client.get(URL).content.decode()


def test_session_rows_link_each_event() -> None:
    """§9: each row links to its own trace by index."""
    timeline = [
        {"event": "connect", "client": "a", "status": 200},
        {"event": "post", "client": "b", "status": 410},
    ]
    rows = session_rows(timeline, selected=1, href_for=lambda i: f"?req={i}")
    assert [(r.href, r.selected) for r in rows] == [("?req=0", False), ("?req=1", True)]


def test_session_detection_needs_event_rows() -> None:
    """§9: a request timeline (no events) is not a session."""
    assert not is_session([{"method": "GET", "status": 200}]) and is_session([{"event": "connect"}])
