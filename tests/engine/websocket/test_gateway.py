"""WebSocket events through the engine (GATEWAY_FACTS.md §9, §5.1)."""

from __future__ import annotations

import json

from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayWebSocketConnectEventModel,
    APIGatewayWebSocketDisconnectEventModel,
    APIGatewayWebSocketMessageEventModel,
)

from gateway_lab.engine.messages import Request
from gateway_lab.engine.websocket import Push, WebSocketGateway
from gateway_lab.livegw.demo_apis import lambda_uri

from .gateways import make_gateway

MOCK_WS = {
    "id": "mock-ws", "protocolType": "WEBSOCKET", "region": "us-east-1",
    "routes": [{"routeKey": "hello", "integration": {"type": "MOCK", "requestTemplates": {"$default": "{\"statusCode\": 200}"}}}],
}  # fmt: skip


def _connect(gateway: WebSocketGateway, connection_id: str = "Aa1=") -> None:
    assert gateway.connect(
        Request.build("GET", "/", headers={"User-Agent": "pytest"}), connection_id=connection_id
    ).accepted


def _event(outcome, stage: str = "integration") -> dict:
    step = next(s for s in outcome.trace.steps if s.stage == stage)
    return step.detail["event"]


def test_connect_registers_connection(gateway: WebSocketGateway) -> None:
    """§9: an accepted $connect creates the connection."""
    _connect(gateway)
    assert gateway.registry.get("Aa1=", now_ms=gateway.clock.now_ms()) is not None


def test_connect_event_matches_powertools_model(gateway: WebSocketGateway) -> None:
    """§9: the $connect event parses with Powertools' WebSocket connect model."""
    outcome = gateway.connect(
        Request.build("GET", "/", headers={"User-Agent": "pytest"}), connection_id="Aa1="
    )
    event = APIGatewayWebSocketConnectEventModel.model_validate(_event(outcome))
    assert event.request_context.event_type == "CONNECT" and event.request_context.route_key == "$connect"


def test_message_event_matches_powertools_model(gateway: WebSocketGateway) -> None:
    """§9: MESSAGE events carry messageId and parse with Powertools' message model."""
    _connect(gateway)
    outcome = gateway.message("Aa1=", json.dumps({"action": "subscribe"}))
    event = APIGatewayWebSocketMessageEventModel.model_validate(_event(outcome))
    assert event.request_context.message_id and event.request_context.connection_id == "Aa1="


def test_disconnect_event_matches_powertools_model(gateway: WebSocketGateway) -> None:
    """§9: $disconnect carries disconnectStatusCode and disconnectReason."""
    _connect(gateway)
    outcome = gateway.disconnect("Aa1=", code=1001, reason="Going away")
    event = APIGatewayWebSocketDisconnectEventModel.model_validate(_event(outcome))
    assert event.request_context.disconnect_status_code == 1001


def test_message_routes_by_action(gateway: WebSocketGateway) -> None:
    """§9: the selection expression picks the custom route."""
    _connect(gateway)
    assert gateway.message("Aa1=", '{"action": "subscribe"}').trace.meta["route_key"] == "subscribe"


def test_message_non_json_goes_to_default(gateway: WebSocketGateway) -> None:
    """§9: non-JSON messages go to $default."""
    _connect(gateway)
    assert gateway.message("Aa1=", "plain text").trace.meta["route_key"] == "$default"


def test_message_missing_action_goes_to_default(gateway: WebSocketGateway) -> None:
    """§9: a missing path selects "" which no route has, so $default runs."""
    _connect(gateway)
    assert gateway.message("Aa1=", '{"data": 1}').trace.meta["route_key"] == "$default"


def test_message_without_default_route_is_error() -> None:
    """§9: no matching route and no $default → the client gets Forbidden with the ids left empty, as AWS sends it."""
    gateway = make_gateway(MOCK_WS)
    _connect(gateway)
    outcome = gateway.message("Aa1=", '{"action": "other"}')
    assert not outcome.accepted
    assert json.loads(outcome.reply) == {"message": "Forbidden", "connectionId": "", "requestId": ""}


def test_two_way_route_replies(gateway: WebSocketGateway) -> None:
    """§9: a route with route response selection $default sends the integration's body back."""
    _connect(gateway)
    assert json.loads(gateway.message("Aa1=", '{"action": "subscribe"}').reply)["type"] == "subscribed"


def test_one_way_route_sends_no_reply(gateway: WebSocketGateway) -> None:
    """§9: without a route response the integration's answer is not sent to the client."""
    _connect(gateway)
    assert gateway.message("Aa1=", '{"action": "sendmessage", "data": "hi"}').reply is None


def test_chat_fans_out_to_every_connection(gateway: WebSocketGateway) -> None:
    """§9: sendmessage posts through @connections to every stored connection id."""
    _connect(gateway, "Aa1=")
    _connect(gateway, "Bb2=")
    outcome = gateway.message("Aa1=", '{"action": "sendmessage", "data": "hi"}')
    assert sorted(a.connection_id for a in outcome.actions if isinstance(a, Push)) == ["Aa1=", "Bb2="]


def test_binary_message_closes_1003(gateway: WebSocketGateway) -> None:
    """§5.1: binary frames close the connection with 1003."""
    _connect(gateway)
    assert gateway.message("Aa1=", b"\x00").close.code == 1003


def test_oversize_message_closes_1009(gateway: WebSocketGateway) -> None:
    """§5.1: over 128 KB closes the connection with 1009."""
    _connect(gateway)
    assert gateway.message("Aa1=", "x" * 140_000).close.code == 1009


GATED_WS = {
    **MOCK_WS,
    "routes": [
        {
            "routeKey": "$connect",
            "integration": {
                "type": "AWS_PROXY",
                "uri": lambda_uri("gateway_lab.functions.websocket.gatekeeper.handler"),
            },
        }
    ],
}


def test_connect_rejected_by_integration_status() -> None:
    """§9: a $connect integration answering 403 refuses the connection: no connection exists."""
    gateway = make_gateway(GATED_WS)
    outcome = gateway.connect(Request.build("GET", "/"), connection_id="Aa1=")
    assert (outcome.accepted, outcome.status) == (False, 403)
    assert gateway.registry.get("Aa1=", now_ms=gateway.clock.now_ms()) is None


def test_connect_accepted_by_integration_status() -> None:
    """§9: the same $connect integration answering 200 accepts the upgrade."""
    gateway = make_gateway(GATED_WS)
    assert gateway.connect(Request.build("GET", "/?ticket=open-sesame"), connection_id="Aa1=").accepted


def test_idle_timeout_due_on_short_stage_setting() -> None:
    """§5.1: with idleTimeoutSeconds 2 the connection is due to close after 2 s without messages."""
    gateway = make_gateway(stage={"stageName": "prod", "webSocketLimits": {"idleTimeoutSeconds": 2}})
    _connect(gateway)
    gateway.clock.advance(2000)
    assert gateway.timeout_due("Aa1=").code == 1001
