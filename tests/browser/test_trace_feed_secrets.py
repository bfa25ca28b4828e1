"""Session theft through the trace feed, tried in Chromium (issue 16, critical).

A staff member signs in and opens the WebSocket demo: their browser's upgrade to ``/gw/demo-ws/prod``
carries the ``sessionid`` and ``csrftoken`` cookies (and here the lab's bearer token too). Anonymous
listeners subscribe to the same trace feed — a second browser on the demo page and a plain
``websockets`` client — and must never receive any of those values. The staff member's own feed
shows the traces with the values masked.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from gateway_lab.livegw.services import connections_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "trace-feed-staff-password"


def _record_frames(page: Any) -> list[str]:
    """Return a list that fills with every WebSocket frame the page receives."""
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    return frames


def _listen(url: str, origin: str, frames: list[str], stop: threading.Event) -> None:
    with connect(url, origin=origin, open_timeout=10) as socket:
        while not stop.is_set():
            try:
                frames.append(str(socket.recv(timeout=0.2)))
            except TimeoutError:
                continue
            except ConnectionClosed:
                return


def test_anonymous_listeners_never_receive_a_staff_session(chromium, asgi_server, page) -> None:
    """Issue 16: staff opens /ws-demo/; anonymous listeners get neither sessionid, csrftoken nor the lab token."""
    get_user_model().objects.create_user("trace-staff", password=PASSWORD, is_staff=True)
    token = connections_token()

    # An anonymous listener without a browser, and an anonymous visitor on the demo page.
    plain_frames: list[str] = []
    stop = threading.Event()
    feed = f"{asgi_server.ws_url}/ws-demo/traces/demo-ws/prod"
    listener = threading.Thread(target=_listen, args=(feed, asgi_server.url, plain_frames, stop), daemon=True)
    listener.start()
    anonymous_context = chromium.new_context(base_url=asgi_server.url, locale="en-US")
    anonymous = anonymous_context.new_page()
    anonymous_frames = _record_frames(anonymous)
    anonymous.goto("/ws-demo/")
    anonymous.wait_for_selector("body[data-ws-connected=true]")

    try:
        # The staff member signs in, then opens the demo with the lab token on every request.
        page.goto("/accounts/login/")
        page.fill("input[name=username]", "trace-staff")
        page.fill("input[name=password]", PASSWORD)
        page.locator("[data-testid=login-form] [type=submit]").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.context.set_extra_http_headers({"Authorization": f"Bearer {token}"})
        staff_frames = _record_frames(page)
        page.goto("/ws-demo/")
        page.wait_for_selector("body[data-ws-connected=true]")
        page.get_by_test_id("chat-input").fill("hello from staff")
        page.get_by_test_id("chat-send").click()
        anonymous.wait_for_selector("[data-testid=chat-log] li:has-text('hello from staff')")
        # A second staff tab: its upgrade (cookies, token) is traced to the first tab's open feed.
        second = page.context.new_page()
        second.goto("/ws-demo/")
        second.wait_for_selector("body[data-ws-connected=true]")
        anonymous.get_by_test_id("chat-input").fill("hello from anonymous")
        anonymous.get_by_test_id("chat-send").click()
        page.locator("[data-testid=traces] li", has_text="CONNECT").first.wait_for()
        anonymous.locator("[data-testid=traces] li", has_text="MESSAGE").first.wait_for()
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    finally:
        stop.set()
        listener.join(timeout=5)
        anonymous_context.close()

    secrets = {"sessionid": cookies["sessionid"], "csrftoken": cookies["csrftoken"], "lab token": token}
    for who, frames in (("plain listener", plain_frames), ("anonymous page", anonymous_frames)):
        received = "\n".join(frames)
        leaked = [name for name, value in secrets.items() if value in received]
        assert leaked == [], f"{who} received {leaked}"
    # The anonymous visitor's feed still works: it shows that visitor's own message, no one else's.
    anonymous_traces = [json.loads(f) for f in anonymous_frames if '"schema"' in f]
    # (Which of its own messages arrive depends on when its feed opened: the page may send whoami first.)
    assert {t["meta"]["event"] for t in anonymous_traces} == {"MESSAGE"}
    assert len({t["meta"]["connection_id"] for t in anonymous_traces}) == 1  # its own socket only
    assert any("hello from anonymous" in json.dumps(t) for t in anonymous_traces)
    assert not any("hello from staff" in json.dumps(t) for t in anonymous_traces)
    assert plain_frames == []  # no cookie, no connection of its own: nothing at all

    # Staff see their own (and everyone's) traces, with the credentials masked, never in clear.
    traces = [json.loads(f) for f in staff_frames if f.startswith("{") and '"schema"' in f]
    connect_events = [t for t in traces if t["meta"]["event"] == "CONNECT"]
    shown = json.dumps(connect_events)
    assert connect_events and "sessionid=" in shown and "****" in shown
    assert [name for name, value in secrets.items() if value in "\n".join(staff_frames)] == []
    assert "Bearer " in shown  # Chromium sent the token on the upgrade: it was there to leak
