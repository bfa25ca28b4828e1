"""WebSocket route selection through the pipeline's routing stage (GATEWAY_FACTS.md §9)."""

from __future__ import annotations

import json
from typing import Any

from gateway_lab.engine.messages import Request
from gateway_lab.engine.trace import StageName

from .builders import make_pipeline, mock_integration

MOCK = mock_integration()


def ws_api(*keys: str, expression: str = "$request.body.action") -> dict[str, Any]:
    return {
        "id": "ws",
        "protocolType": "WEBSOCKET",
        "routeSelectionExpression": expression,
        "routes": [{"routeKey": key, "integration": MOCK} for key in keys],
    }


def route(api: dict[str, Any], body: Any, method: str = "MESSAGE") -> dict[str, Any]:
    """Return the routing step's detail for one event."""
    pipeline = make_pipeline(api)
    text = body if isinstance(body, str) else json.dumps(body)
    trace = pipeline.run(Request.build(method, "/", body=text, time_ms=pipeline.origin_ms))
    step = trace.step(StageName.ROUTING)
    return {"outcome": step.outcome, "status": trace.response.status, **step.detail}


def test_routing_ws_action_selects_its_route() -> None:
    """§9: $request.body.action picks the route named by the message's action."""
    assert route(ws_api("join", "$default"), {"action": "join"})["route_key"] == "join"


def test_routing_ws_braced_variables_combine() -> None:
    """§9: ${request.body.service}/${request.body.action} → "chat/join"."""
    api = ws_api("chat/join", expression="${request.body.service}/${request.body.action}")
    assert route(api, {"service": "chat", "action": "join"})["route_key"] == "chat/join"


def test_routing_ws_escaped_dollar_is_literal() -> None:
    """§9: \\$default in an expression is the literal text $default, so the $default route runs."""
    detail = route(ws_api("$default", expression="\\$default"), {"action": "x"})
    assert (detail["selected"], detail["route_key"]) == ("$default", "$default")


def test_routing_ws_boolean_is_stringified_as_json() -> None:
    """§9: the result is stringified: JSON true selects "true", not Python's "True"."""
    assert route(ws_api("true", "$default"), {"action": True})["route_key"] == "true"


def test_routing_ws_missing_path_falls_back_to_default() -> None:
    """§9: a missing path selects "" which no route has, so $default runs."""
    detail = route(ws_api("join", "$default"), {"other": 1})
    assert (detail["selected"], detail["route_key"]) == ("", "$default")


def test_routing_ws_non_json_goes_to_default() -> None:
    """§9: a message that is not JSON goes to $default whatever the expression says."""
    detail = route(ws_api("join", "$default"), "hello?")
    assert (detail["is_json"], detail["route_key"]) == (False, "$default")


def test_routing_ws_unmatched_without_default_is_an_error() -> None:
    """§9: no matching route and no $default route: API Gateway returns an error."""
    detail = route(ws_api("join"), {"action": "dance"})
    assert (detail["outcome"], detail["status"]) == ("reject", 404)


def test_routing_ws_message_cannot_select_connect() -> None:
    """§9: the $ prefix is reserved: a message whose action is "$connect" does not run $connect."""
    assert route(ws_api("$connect", "$default"), {"action": "$connect"})["route_key"] == "$default"


def test_routing_ws_connect_event_runs_connect_route() -> None:
    """§9: the CONNECT event runs the $connect route, whatever the body."""
    assert route(ws_api("$connect", "join"), "", method="CONNECT")["route_key"] == "$connect"


def test_routing_ws_connect_without_route_skips() -> None:
    """§9: the $connect integration is optional: without the route the step is a skip, not an error."""
    detail = route(ws_api("join"), "", method="CONNECT")
    assert (detail["outcome"], detail["status"]) == ("skip", 200)
