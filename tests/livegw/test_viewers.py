"""Who sees what on the WebSocket demo: own connections for everyone, all of them for staff (issue 16).

The trace feed (``/ws-demo/traces/<api>/<stage>``) and the connection inspector
(``/ws-demo/connections/<api>/<stage>``) show a person what their own browser opened (its viewer
cookie); staff see every connection. Traces are redacted before they are published.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client as DjangoClient

from gateway_lab.asgi import application
from gateway_lab.engine.messages import Client, Request
from gateway_lab.livegw import services, viewers
from gateway_lab.livegw.demo_apis import DEMO_WS_API
from gateway_lab.livegw.models import ApiDefinitionRecord

VIEWER_A = "viewer-a-" + "a" * 20
VIEWER_B = "viewer-b-" + "b" * 20
SESSION_SECRET = "s3cr3tsessionvalue0123456789abcd"


def _cookie_header(**cookies: str) -> tuple[bytes, bytes]:
    return (b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode())


def _headers(**cookies: str) -> list[tuple[bytes, bytes]]:
    return [(b"origin", b"http://localhost"), _cookie_header(**cookies)]


def _staff_session_key() -> str:
    user = get_user_model().objects.create_user("staffer", password="x" * 12, is_staff=True)
    client = DjangoClient()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def _feed(api_id: str, **cookies: str) -> WebsocketCommunicator:
    feed = WebsocketCommunicator(application, f"/ws-demo/traces/{api_id}/prod", headers=_headers(**cookies))
    connected, _ = await feed.connect()
    assert connected
    return feed


async def _traces(feed: WebsocketCommunicator) -> list[dict[str, Any]]:
    found = []
    while not await feed.receive_nothing(timeout=0.3):
        found.append(json.loads(await feed.receive_from()))
    return found


@pytest.mark.django_db(transaction=True)
async def test_trace_feed_shows_a_viewer_only_their_own_connection() -> None:
    """Issue 16: an anonymous listener receives its own browser's traces, never another person's."""
    feed_a, feed_b, anonymous = (
        await _feed("demo-ws", livegw_viewer=VIEWER_A),
        await _feed("demo-ws", livegw_viewer=VIEWER_B),
        await _feed("demo-ws"),
    )
    socket = WebsocketCommunicator(
        application, "/gw/demo-ws/prod", headers=_headers(livegw_viewer=VIEWER_A, sessionid=SESSION_SECRET)
    )
    assert (await socket.connect())[0]
    await socket.disconnect()
    seen_a, seen_b, seen_anonymous = await _traces(feed_a), await _traces(feed_b), await _traces(anonymous)
    assert [t["meta"]["event"] for t in seen_a] == ["CONNECT", "DISCONNECT"]
    assert seen_b == [] and seen_anonymous == []
    assert SESSION_SECRET not in json.dumps(seen_a)  # even its own trace is redacted once broadcast
    for feed in (feed_a, feed_b, anonymous):
        await feed.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_trace_feed_shows_staff_every_connection_redacted() -> None:
    """Issue 16: staff see every connection's trace, with the Cookie and lab token masked."""
    session_key = await sync_to_async(_staff_session_key)()
    staff = await _feed("demo-ws", sessionid=session_key)
    token = await sync_to_async(services.connections_token)()
    socket = WebsocketCommunicator(
        application,
        "/gw/demo-ws/prod",
        headers=[
            _cookie_header(livegw_viewer=VIEWER_B, sessionid=SESSION_SECRET),
            (b"authorization", f"Bearer {token}".encode()),
        ],
    )
    assert (await socket.connect())[0]
    seen = await _traces(staff)
    await socket.disconnect()
    await staff.disconnect()
    assert [t["meta"]["event"] for t in seen] == ["CONNECT"]
    text = json.dumps(seen)
    assert SESSION_SECRET not in text and token not in text
    assert "sessionid=s3cr****" in text and "Bearer " in text


@pytest.mark.django_db(transaction=True)
async def test_trace_feed_ignores_a_forged_staff_cookie() -> None:
    """Issue 16: a made-up session id is not staff: the listener sees nothing of others."""
    forged = await _feed("demo-ws", sessionid="not-a-real-session-key-0000000000")
    socket = WebsocketCommunicator(application, "/gw/demo-ws/prod", headers=_headers(livegw_viewer=VIEWER_A))
    assert (await socket.connect())[0]
    await socket.disconnect()
    assert await _traces(forged) == []
    await forged.disconnect()


# --- The connection inspector ---------------------------------------------------------------------


@pytest.fixture
def two_connections(db: None) -> str:
    """An API stage with one connection opened by viewer A's browser and one by viewer B's."""
    api_id = "inspect-ws"
    ApiDefinitionRecord.objects.create(
        api_id=api_id, definition={**DEMO_WS_API, "id": api_id}, stages=[{"stageName": "prod"}]
    )
    gateway = services.gateway_for(api_id, "prod")
    assert gateway is not None
    for connection_id, viewer, ip in (
        ("AAAAAAAAAAAAAAA=", VIEWER_A, "10.0.0.1"),
        ("BBBBBBBBBBBBBBB=", VIEWER_B, "10.0.0.2"),
    ):
        request = Request.build("GET", "/", client=Client(source_ip=ip, user_agent=f"agent-{viewer[:8]}"))
        assert gateway.connect(request, connection_id=connection_id).accepted
        viewers.record_owner(api_id, "prod", connection_id, viewer)
    yield api_id
    for connection_id in ("AAAAAAAAAAAAAAA=", "BBBBBBBBBBBBBBB="):
        gateway.disconnect(connection_id)


def _inspect(client: DjangoClient, api_id: str) -> dict[str, Any]:
    response = client.get(f"/ws-demo/connections/{api_id}/prod", headers={"accept": "application/json"})
    assert response.status_code == 200
    return response.json()


def test_inspector_shows_anonymous_visitors_no_other_connection(
    client: DjangoClient, two_connections: str
) -> None:
    """Issue 16: an anonymous visitor without a connection sees a count, no ids, IPs or agents."""
    data = _inspect(client, two_connections)
    assert data["rows"] == [] and data["others"] == 2
    html = client.get(f"/ws-demo/connections/{two_connections}/prod").content.decode()
    assert (
        "10.0.0.1" not in html
        and "AAAAAAAAAAAAAAA=" not in html
        and 'data-testid="other-connections"' in html
    )


def test_inspector_shows_a_visitor_their_own_connection_only(
    client: DjangoClient, two_connections: str
) -> None:
    """Issue 16: the visitor whose browser opened connection A sees A, and B only as a count."""
    client.cookies[viewers.VIEWER_COOKIE] = VIEWER_A
    data = _inspect(client, two_connections)
    assert [row["id"] for row in data["rows"]] == ["AAAAAAAAAAAAAAA="]
    assert data["rows"][0]["ip"] == "10.0.0.1" and data["others"] == 1
    assert "10.0.0.2" not in json.dumps(data)


def test_inspector_shows_signed_in_learners_only_their_own(
    client: DjangoClient, two_connections: str
) -> None:
    """Issue 16: signing in as a learner (not staff) does not reveal other people's connections."""
    client.force_login(get_user_model().objects.create_user("learner", password="x" * 12))
    assert _inspect(client, two_connections)["rows"] == []


def test_inspector_shows_staff_every_connection(admin_client: DjangoClient, two_connections: str) -> None:
    """Issue 16: staff see every connection with its IP."""
    data = _inspect(admin_client, two_connections)
    assert sorted(row["ip"] for row in data["rows"]) == ["10.0.0.1", "10.0.0.2"] and data["others"] == 0


def test_demo_page_gives_the_browser_a_viewer_cookie(client: DjangoClient, db: None) -> None:
    """Issue 16: the demo page sets an HttpOnly viewer cookie that ties the browser's sockets to it."""
    response = client.get("/ws-demo/")
    cookie = response.cookies[viewers.VIEWER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and len(cookie.value) >= 16
    again = client.get("/ws-demo/")
    assert viewers.VIEWER_COOKIE not in again.cookies  # kept, not replaced
