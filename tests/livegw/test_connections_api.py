"""The @connections callback endpoint over HTTP (GATEWAY_FACTS.md §9)."""

from __future__ import annotations

import json

import pytest
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient

from gateway_lab.asgi import application
from gateway_lab.livegw.services import connections_token

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = [(b"origin", b"http://localhost")]


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {connections_token()}"}


async def _connected() -> tuple[WebsocketCommunicator, str]:
    communicator = WebsocketCommunicator(application, "/gw/demo-ws/prod", headers=ORIGIN)
    assert (await communicator.connect())[0]
    await communicator.send_to(text_data='{"action": "whoami"}')
    return communicator, json.loads(await communicator.receive_from())["connectionId"]


def _url(connection_id: str) -> str:
    return f"/gw/demo-ws/prod/@connections/{connection_id}"


async def test_connections_post_pushes_to_client() -> None:
    """§9: POST @connections/{id} delivers the body to that client."""
    communicator, connection_id = await _connected()
    response = await AsyncClient().post(
        _url(connection_id), data=b"pushed!", content_type="text/plain", headers=_auth()
    )
    assert response.status_code == 200
    assert await communicator.receive_from() == "pushed!"
    await communicator.disconnect()


async def test_connections_get_describes_connection() -> None:
    """§9: GET returns connectedAt, identity and lastActiveAt."""
    communicator, connection_id = await _connected()
    response = await AsyncClient().get(_url(connection_id), headers=_auth())
    assert set(response.json()) == {"connectedAt", "identity", "lastActiveAt"}
    await communicator.disconnect()


async def test_connections_delete_closes_client() -> None:
    """§9: DELETE answers 204 and the client's socket closes."""
    communicator, connection_id = await _connected()
    response = await AsyncClient().delete(_url(connection_id), headers=_auth())
    assert response.status_code == 204
    assert (await communicator.receive_output())["type"] == "websocket.close"


async def test_connections_post_after_disconnect_is_410() -> None:
    """§9: a gone connection gives 410 GoneException."""
    communicator, connection_id = await _connected()
    await communicator.disconnect()
    response = await AsyncClient().post(
        _url(connection_id), data=b"x", content_type="text/plain", headers=_auth()
    )
    assert (response.status_code, response.headers["x-amzn-ErrorType"]) == (410, "GoneException")


async def test_connections_post_over_128_kb_is_413() -> None:
    """§9: Data over 128 KB gives 413 PayloadTooLargeException."""
    communicator, connection_id = await _connected()
    body = b"x" * (128 * 1024 + 1)
    response = await AsyncClient().post(
        _url(connection_id), data=body, content_type="text/plain", headers=_auth()
    )
    assert response.status_code == 413
    await communicator.disconnect()


async def test_connections_unsigned_is_403_missing_token() -> None:
    """§9, §5.3: an unsigned call is refused like any IAM-only call: 403 Missing Authentication Token."""
    communicator, connection_id = await _connected()
    response = await AsyncClient().post(_url(connection_id), data=b"x", content_type="text/plain")
    assert (response.status_code, response.json()) == (403, {"message": "Missing Authentication Token"})
    await communicator.disconnect()


async def test_connections_unknown_api_unauthenticated_is_403() -> None:
    """§9: without credentials an unknown API answers 403 too, so callers can't probe which APIs exist."""
    response = await AsyncClient().get("/gw/no-such-api/prod/@connections/abc=")
    assert (response.status_code, response.headers["x-amzn-ErrorType"]) == (403, "ForbiddenException")


async def test_connections_wrong_token_is_403() -> None:
    """§9: a wrong bearer token is refused too."""
    response = await AsyncClient().get(_url("abc="), headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 403


async def test_connections_demo_api_accepts_demo_sigv4_credentials() -> None:
    """§7.1, §9: demo-ws's lab IAM user (shown on the demo page) signs @connections calls with SigV4."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    from gateway_lab.livegw.services import demo_credentials

    communicator, connection_id = await _connected()
    signed = AWSRequest(method="POST", url=f"http://testserver{_url(connection_id)}", data=b"signed")
    SigV4Auth(Credentials(*demo_credentials()), "execute-api", "us-east-1").add_auth(signed)
    headers = {k: v for k, v in signed.headers.items() if k.lower() != "host"}
    response = await AsyncClient().post(_url(connection_id), data=b"signed", content_type="", headers=headers)
    assert response.status_code == 200
    assert await communicator.receive_from() == "signed"
    await communicator.disconnect()
