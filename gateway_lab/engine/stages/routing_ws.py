"""WebSocket routing (§9): $connect/$disconnect by event, messages by the route selection expression.

The request method names the event (``CONNECT``/``MESSAGE``/``DISCONNECT``, the WebSocket front
ends' convention). Messages use ``route_selection``, the one implementation of selection
expressions (``\\$`` escapes, ``${...}`` templates, JSON-stringified values, non-JSON → $default).
"""

from __future__ import annotations

from typing import Any

from ..context import Context, GatewayError, RouteMatch
from ..model import Api, Method
from ..route_selection import DEFAULT_ROUTE, Selection, evaluate, resolve_route
from ..text import Message, Text
from ..trace import Outcome, StageName, Step
from .base import record

ROUTING_MS = 0.2
EVENT_ROUTES = {"CONNECT": "$connect", "DISCONNECT": "$disconnect"}
# AWS answers an unroutable message with this frame (ids left empty, as the live service does).
NO_ROUTE_BODY = b'{"message": "Forbidden", "connectionId":"", "requestId":""}'

EVENT_RUNS = Text("The {event} event runs the {event} route.")
NOT_JSON = Text("The message is not JSON, so it goes to the $default route.")
SELECTS = Text("{expression} selects {key} → route {route}.")
SELECTS_NO_ROUTE = Text("{expression} selects {key}; no route has that key, so the $default route runs.")
ROUTE = Text("Route {route}")
NO_EVENT_ROUTE = Text("No {route} route")
NO_EVENT_ROUTE_WHY = Text(
    "The API defines no {route} route; API Gateway proceeds without calling an integration."
)
NO_MESSAGE_ROUTE = Text("No route for this message")
NO_MESSAGE_ROUTE_WHY = Text("The selection expression gives {key}; no such route and no $default route.")


def route_websocket(ctx: Context) -> Step:
    """Match the WebSocket event in ``ctx.request`` to a route, or record why none runs."""
    api = ctx.api
    fixed = EVENT_ROUTES.get(ctx.request.method.upper())
    if fixed is not None:
        route = api.special_routes.get(fixed)
        if route is None:
            return _no_event_route(ctx, fixed)
        return _matched(ctx, route, fixed, EVENT_RUNS(event=fixed), {"selected": fixed})
    selection = evaluate(api.route_selection_expression, ctx.request.body)
    final_key = resolve_route(_route_keys(api), selection.key)
    if final_key is None:
        return _no_message_route(ctx, selection)
    route = api.default_route if final_key == DEFAULT_ROUTE else api.special_routes[final_key]
    assert route is not None
    detail = {"selected": selection.key, "variables": dict(selection.variables), "is_json": selection.is_json}
    return _matched(ctx, route, final_key, _why(api, selection, final_key), detail)


def _route_keys(api: Api) -> frozenset[str]:
    keys = frozenset(api.special_routes)
    return keys | {DEFAULT_ROUTE} if api.default_route is not None else keys


def _why(api: Api, selection: Selection, final_key: str) -> Message:
    if not selection.is_json:
        return NOT_JSON()
    expression, key = str(api.route_selection_expression), repr(selection.key)
    if final_key == selection.key:
        return SELECTS(expression=expression, key=key, route=final_key)
    return SELECTS_NO_ROUTE(expression=expression, key=key)


def _matched(ctx: Context, route: Method, key: str, reason: Message, detail: dict[str, Any]) -> Step:
    ctx.match = RouteMatch(method=route, resource_id=key, resource_path="", route_key=key)
    return record(
        ctx,
        StageName.ROUTING,
        Outcome.PASS,
        ROUTE(route=key),
        reason,
        detail={"route_key": key, **detail},
        duration_ms=ROUTING_MS,
        fact="9",
        lesson="websocket#routes",
    )


def _no_event_route(ctx: Context, key: str) -> Step:
    ctx.facts["no_route"] = key
    return record(
        ctx,
        StageName.ROUTING,
        Outcome.SKIP,
        NO_EVENT_ROUTE(route=key),
        NO_EVENT_ROUTE_WHY(route=key),
        detail={"route_key": key},
        fact="9",
        lesson="websocket#routes",
    )


def _no_message_route(ctx: Context, selection: Selection) -> Step:
    ctx.error = GatewayError(response_type="RESOURCE_NOT_FOUND", status=404, body=NO_ROUTE_BODY)
    return record(
        ctx,
        StageName.ROUTING,
        Outcome.REJECT,
        NO_MESSAGE_ROUTE(),
        NO_MESSAGE_ROUTE_WHY(key=repr(selection.key)),
        detail={"route_key": selection.key, "selected": selection.key},
        fact="9",
        lesson="websocket#routes",
    )
