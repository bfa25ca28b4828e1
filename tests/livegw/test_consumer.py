"""The WebSocket API on Channels: connect, routes, limits, timeouts (GATEWAY_FACTS.md §9, §5.1)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import APIGatewayWebSocketMessageEventModel
from channels.testing import WebsocketCommunicator

from gateway_lab.asgi import application
from gateway_lab.livegw.demo_apis import lambda_uri
from gateway_lab.livegw.models import ApiDefinitionRecord

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = [(b"origin", b"http://localhost")]


def _route(key: str, handler: str, *, two_way: bool = True) -> dict[str, Any]:
    route: dict[str, Any] = {
        "routeKey": key,
        "integration": {"type": "AWS_PROXY", "uri": lambda_uri(handler)},
    }
    if two_way:
        route["routeResponseSelectionExpression"] = "$default"
    return route


async def _api(api_id: str, routes: list[dict[str, Any]], stage: dict[str, Any] | None = None) -> None:
    definition = {"id": api_id, "protocolType": "WEBSOCKET", "region": "us-east-1", "routes": routes}
    await ApiDefinitionRecord.objects.acreate(
        api_id=api_id, definition=definition, stages=[stage or {"stageName": "prod"}]
    )


async def _open(path: str = "/gw/demo-ws/prod") -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path, headers=ORIGIN)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_consumer_connect_accepted() -> None:
    """§9: demo-ws accepts a plain connection."""
    communicator = await _open()
    await communicator.disconnect()


async def test_consumer_connect_rejected_by_connect_route() -> None:
    """§9: a $connect integration answering 403 refuses the upgrade: no connection."""
    await _api(
        "gated", [_route("$connect", "gateway_lab.functions.websocket.gatekeeper.handler", two_way=False)]
    )
    communicator = WebsocketCommunicator(application, "/gw/gated/prod", headers=ORIGIN)
    assert await communicator.connect() == (False, 403)


async def test_consumer_connect_allowed_with_ticket() -> None:
    """§9: the same $connect route answering 200 accepts the upgrade."""
    await _api(
        "gated2", [_route("$connect", "gateway_lab.functions.websocket.gatekeeper.handler", two_way=False)]
    )
    communicator = await _open("/gw/gated2/prod?ticket=open-sesame")
    await communicator.disconnect()


async def test_consumer_unknown_api_refused() -> None:
    """§9: an unknown API or stage has no endpoint to upgrade."""
    communicator = WebsocketCommunicator(application, "/gw/no-such-api/prod", headers=ORIGIN)
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()  # the consumer stops as it does when a server drops the refused client


async def test_consumer_custom_route_replies() -> None:
    """§9: {"action": "subscribe"} selects the subscribe route, whose route response comes back."""
    communicator = await _open()
    await communicator.send_to(text_data=json.dumps({"action": "subscribe"}))
    assert json.loads(await communicator.receive_from())["type"] == "subscribed"
    await communicator.disconnect()


async def test_consumer_non_json_goes_to_default() -> None:
    """§9: a non-JSON message runs $default."""
    communicator = await _open()
    await communicator.send_to(text_data="hello")
    reply = json.loads(await communicator.receive_from())
    assert (reply["type"], reply["received"]) == ("help", "hello")
    await communicator.disconnect()


async def test_consumer_missing_action_goes_to_default() -> None:
    """§9: a JSON message without the action path runs $default."""
    communicator = await _open()
    await communicator.send_to(text_data='{"data": "x"}')
    assert json.loads(await communicator.receive_from())["type"] == "help"
    await communicator.disconnect()


async def test_consumer_no_default_route_sends_error() -> None:
    """§9: no match and no $default → an error message with connectionId and requestId."""
    await _api("nodefault", [_route("known", "gateway_lab.functions.echo.handler")])
    communicator = await _open("/gw/nodefault/prod")
    await communicator.send_to(text_data='{"action": "unknown"}')
    reply = json.loads(await communicator.receive_from())
    assert set(reply) == {"message", "connectionId", "requestId"}
    await communicator.disconnect()


async def test_consumer_message_event_shape() -> None:
    """§9: the handler's MESSAGE event parses with Powertools' WebSocket message model."""
    await _api("echo-ws", [_route("$default", "gateway_lab.functions.echo.handler")])
    communicator = await _open("/gw/echo-ws/prod")
    await communicator.send_to(text_data='{"action": "x"}')
    event = APIGatewayWebSocketMessageEventModel.model_validate(json.loads(await communicator.receive_from()))
    assert (event.request_context.route_key, event.request_context.stage) == ("$default", "prod")
    await communicator.disconnect()


async def test_consumer_chat_fans_out() -> None:
    """§9: sendmessage reaches every connected client through @connections."""
    alice, bob = await _open(), await _open()
    await alice.send_to(text_data=json.dumps({"action": "sendmessage", "data": "hi all"}))
    assert await bob.receive_from() == "hi all"
    assert await alice.receive_from() == "hi all"
    await alice.disconnect()
    await bob.disconnect()


async def test_consumer_binary_frame_closes_1003() -> None:
    """§5.1: a binary frame closes the connection with 1003."""
    communicator = await _open()
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert (await communicator.receive_output())["code"] == 1003


async def test_consumer_oversize_message_closes_1009() -> None:
    """§5.1: a message over 128 KB closes the connection with 1009."""
    communicator = await _open()
    await communicator.send_to(text_data="x" * (128 * 1024 + 10))
    assert (await communicator.receive_output())["code"] == 1009


async def test_consumer_idle_timeout_closes_1001() -> None:
    """§5.1: idle timeout (shortened to 0.3 s on this stage) closes with 1001."""
    stage = {"stageName": "prod", "webSocketLimits": {"idleTimeoutSeconds": 0.3}}
    await _api("idle-ws", [_route("$default", "gateway_lab.functions.echo.handler")], stage)
    communicator = await _open("/gw/idle-ws/prod")
    assert (await communicator.receive_output(timeout=3))["code"] == 1001
