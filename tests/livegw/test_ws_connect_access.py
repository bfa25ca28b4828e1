"""$connect access control through the Channels consumer: API keys, authorizers, refusals (§1.1, §7.2, §9)."""

from __future__ import annotations

import contextlib
import json

import pytest
from channels.testing import WebsocketCommunicator

from gateway_lab.asgi import application
from gateway_lab.livegw.consumers import DENIAL_EXTENSION
from gateway_lab.livegw.models import ApiDefinitionRecord

from .access_apis import API_KEY, authorized_api, keyed_api

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://localhost")


async def _finish(communicator: WebsocketCommunicator) -> None:
    """Let the refused consumer's task end before the test's database and loop are torn down.

    A refused handshake leaves the application task to finish on its own; on PostgreSQL + Redis it
    could outlive the test and hang the teardown. The refusal itself is asserted before this.
    """
    with contextlib.suppress(TimeoutError):  # wait() cancels the task after 5 s: cleanup only
        await communicator.wait(timeout=5)


async def _store(definition: dict) -> None:
    await ApiDefinitionRecord.objects.acreate(
        api_id=definition["id"], definition=definition, stages=[{"stageName": "prod"}]
    )


async def test_consumer_api_key_missing_refuses_403() -> None:
    """§1.1: apiKeyRequired on $connect refuses a client without x-api-key (403, no connection)."""
    await _store(keyed_api("keyed-ws"))
    communicator = WebsocketCommunicator(application, "/gw/keyed-ws/prod", headers=[ORIGIN])
    assert await communicator.connect() == (False, 403)
    await _finish(communicator)


async def test_consumer_api_key_valid_connects() -> None:
    """§1.1, §3.3: a valid key of a usage plan for the stage opens the connection."""
    await _store(keyed_api("keyed-ws2"))
    headers = [ORIGIN, (b"x-api-key", API_KEY.encode())]
    communicator = WebsocketCommunicator(application, "/gw/keyed-ws2/prod", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.disconnect()


async def test_consumer_authorizer_allow_connects() -> None:
    """§7.2, §9: the REQUEST authorizer reads route.request.querystring.token and allows the connection."""
    await _store(authorized_api("authz-ws"))
    communicator = WebsocketCommunicator(application, "/gw/authz-ws/prod?token=allow", headers=[ORIGIN])
    connected, _ = await communicator.connect()
    assert connected
    await communicator.disconnect()


async def test_consumer_refusal_uses_denial_response_when_server_offers_it() -> None:
    """§9: with the ASGI denial extension, a refused $connect answers the engine's 401 and its body."""
    await _store(authorized_api("authz-ws2"))
    communicator = WebsocketCommunicator(application, "/gw/authz-ws2/prod", headers=[ORIGIN])
    communicator.scope["extensions"] = {DENIAL_EXTENSION: {}}
    await communicator.send_input({"type": "websocket.connect"})
    start, body = await communicator.receive_output(), await communicator.receive_output()
    assert (start["type"], start["status"]) == ("websocket.http.response.start", 401)
    assert json.loads(body["body"]) == {"message": "Unauthorized"}


async def test_consumer_refusal_closes_with_status_without_extension() -> None:
    """§9: without the extension (Daphne), the refusal is a close whose code carries the status."""
    await _store(authorized_api("authz-ws3"))
    communicator = WebsocketCommunicator(application, "/gw/authz-ws3/prod?token=deny", headers=[ORIGIN])
    assert await communicator.connect() == (False, 403)
    await _finish(communicator)
