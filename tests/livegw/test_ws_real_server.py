"""The WebSocket API on the server ``make run`` uses (uvicorn), seen by a real client (§5.1, §9).

Close codes and refused upgrades depend on the ASGI server: these tests run against the same
uvicorn process as the browser tests, with the ``websockets`` client.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from gateway_lab.livegw.demo_apis import DEMO_WS_API
from gateway_lab.livegw.models import ApiDefinitionRecord
from tests.conftest import AsgiServer

from .access_apis import API_KEY, authorized_api, keyed_api

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = "http://localhost"


def _closed_with(url: str, payload: str | bytes | None) -> int | None:
    """Open ``url``, send ``payload`` (or nothing), and return the close code the server sent."""
    with connect(url, origin=ORIGIN, open_timeout=10, max_size=None) as socket:
        if payload is not None:
            socket.send(payload)
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=10)
    return closed.value.rcvd.code if closed.value.rcvd else None


def test_real_server_binary_frame_closes_1003(asgi_server: AsgiServer) -> None:
    """§5.1: a binary frame closes the connection with 1003 (unsupported data)."""
    assert _closed_with(f"{asgi_server.ws_url}/gw/demo-ws/prod", b"\x00\x01") == 1003


def test_real_server_oversize_message_closes_1009(asgi_server: AsgiServer) -> None:
    """§5.1: a message over 128 KB closes the connection with 1009 (message too big)."""
    assert _closed_with(f"{asgi_server.ws_url}/gw/demo-ws/prod", "x" * (128 * 1024 + 1)) == 1009


def test_real_server_33_kb_single_frame_closes_1009(asgi_server: AsgiServer) -> None:
    """§5.1: frames are at most 32 KB: one 33 KB frame closes the connection with 1009."""
    message = json.dumps({"action": "whoami", "pad": "x" * (33 * 1024)})
    assert _closed_with(f"{asgi_server.ws_url}/gw/demo-ws/prod", message) == 1009


def test_real_server_32_kb_frame_passes(asgi_server: AsgiServer) -> None:
    """§5.1: a frame of exactly 32 KB (32,768 bytes) is within the limit."""
    head = '{"action": "whoami", "pad": "'
    message = head + "x" * (32 * 1024 - len(head) - 2) + '"}'
    assert len(message.encode()) == 32 * 1024
    with connect(f"{asgi_server.ws_url}/gw/demo-ws/prod", origin=ORIGIN, open_timeout=10) as socket:
        socket.send(message)
        assert json.loads(socket.recv(timeout=10))["type"] == "whoami"


def test_real_server_100_kb_message_in_32_kb_frames_passes(asgi_server: AsgiServer) -> None:
    """§5.1: a 100 KB message split into frames of at most 32 KB is accepted (the 128 KB limit holds)."""
    message = json.dumps({"action": "whoami", "pad": "x" * (100 * 1024)})
    fragments = [message[i : i + 30 * 1024] for i in range(0, len(message), 30 * 1024)]
    with connect(f"{asgi_server.ws_url}/gw/demo-ws/prod", origin=ORIGIN, open_timeout=10) as socket:
        socket.send(fragments)  # websockets sends an iterable as one fragmented message
        assert json.loads(socket.recv(timeout=10))["type"] == "whoami"


def test_real_server_fragmented_message_with_one_big_frame_closes_1009(asgi_server: AsgiServer) -> None:
    """§5.1: every frame counts: a 10 KB frame followed by a 40 KB one closes with 1009."""
    message = json.dumps({"action": "whoami", "pad": "x" * (50 * 1024)})
    fragments = [message[: 10 * 1024], message[10 * 1024 :]]
    with connect(f"{asgi_server.ws_url}/gw/demo-ws/prod", origin=ORIGIN, open_timeout=10) as socket:
        socket.send(fragments)
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def test_real_server_idle_timeout_closes_1001(asgi_server: AsgiServer) -> None:
    """§5.1, §9: an idle connection is closed with 1001 (going away) when the idle timeout passes."""
    stage = {"stageName": "prod", "webSocketLimits": {"idleTimeoutSeconds": 0.5}}
    definition = {**DEMO_WS_API, "id": "idle-real-ws"}
    ApiDefinitionRecord.objects.create(api_id="idle-real-ws", definition=definition, stages=[stage])
    assert _closed_with(f"{asgi_server.ws_url}/gw/idle-real-ws/prod", None) == 1001


def _refused(url: str, **kwargs: Any) -> tuple[int, bytes]:
    """Open ``url`` expecting the upgrade to be refused; return the HTTP status and body."""
    with pytest.raises(InvalidStatus) as refused:
        connect(url, origin=ORIGIN, open_timeout=10, **kwargs).close()
    return refused.value.response.status_code, refused.value.response.body


def _stored(definition: dict[str, Any]) -> str:
    ApiDefinitionRecord.objects.create(
        api_id=definition["id"], definition=definition, stages=[{"stageName": "prod"}]
    )
    return f"/gw/{definition['id']}/prod"


def test_real_server_authorizer_missing_token_is_401(asgi_server: AsgiServer) -> None:
    """§7.2, §9: a $connect without the authorizer's identity source gets HTTP 401 Unauthorized."""
    status, body = _refused(asgi_server.ws_url + _stored(authorized_api("authz-real")))
    assert (status, json.loads(body)) == (401, {"message": "Unauthorized"})


def test_real_server_authorizer_deny_is_403(asgi_server: AsgiServer) -> None:
    """§7.2, §9: an authorizer policy that denies $connect gets HTTP 403, not an open socket."""
    status, _ = _refused(asgi_server.ws_url + _stored(authorized_api("authz-real2")) + "?token=deny")
    assert status == 403


def test_real_server_authorizer_allow_connects(asgi_server: AsgiServer) -> None:
    """§7.2, §9: the same route with ?token=allow upgrades and routes messages."""
    url = asgi_server.ws_url + _stored(authorized_api("authz-real3")) + "?token=allow"
    with connect(url, origin=ORIGIN, open_timeout=10) as socket:
        socket.send("hello")
        assert json.loads(socket.recv(timeout=10))["requestContext"]["routeKey"] == "$default"


def test_real_server_api_key_missing_is_403(asgi_server: AsgiServer) -> None:
    """§1.1: apiKeyRequired on $connect: no x-api-key header, HTTP 403 Forbidden."""
    status, body = _refused(asgi_server.ws_url + _stored(keyed_api("keyed-real")))
    assert (status, json.loads(body)) == (403, {"message": "Forbidden"})


def test_real_server_api_key_valid_connects(asgi_server: AsgiServer) -> None:
    """§1.1, §3.3: with a valid x-api-key the upgrade completes."""
    url = asgi_server.ws_url + _stored(keyed_api("keyed-real2"))
    with connect(url, origin=ORIGIN, open_timeout=10, additional_headers={"x-api-key": API_KEY}) as socket:
        socket.send("hello")
        assert json.loads(socket.recv(timeout=10))["requestContext"]["connectionId"]
