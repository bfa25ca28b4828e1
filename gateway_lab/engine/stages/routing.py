"""Routing stage (§10, §14.2): REST answers an unknown path or method with 403, HTTP APIs with 404."""

from __future__ import annotations

import json
import re
from typing import Any

from ..context import Context, GatewayError, RouteMatch
from ..fastinit import fast_constructor
from ..model import Api, ApiType
from ..router import Router
from ..trace import Outcome, StageName, Step
from .base import record

ROUTING_MS = 0.2
_make_match = fast_constructor(RouteMatch)  # RouteMatch(...) on the hot path (see fastinit)
_SELECTION_PART = re.compile(r"\$\{?request\.body\.([A-Za-z0-9_.]+)\}?")


class RoutingStage:
    name = StageName.ROUTING

    def __init__(self) -> None:
        self._routers: dict[int, tuple[Api, Router]] = {}

    def _router(self, api: Api) -> Router:
        cached = self._routers.get(id(api))
        if cached is None or cached[0] is not api:
            cached = (api, Router(api.resources))
            self._routers[id(api)] = cached
        return cached[1]

    def evaluate(self, ctx: Context) -> Step:
        if ctx.api.api_type == ApiType.WEBSOCKET:
            return self._websocket(ctx)
        method, path = ctx.request.method, ctx.request.path
        path_matched = False
        for resource, params in self._router(ctx.api).candidates(path):
            path_matched = True
            chosen = resource.methods.get(method) or resource.methods.get("ANY")
            if chosen is not None:
                route_key = (
                    "" if ctx.api.api_type == ApiType.REST else f"{chosen.http_method} {resource.path}"
                )
                ctx.match = _make_match(chosen, resource.id, resource.path, route_key, params)
                label = route_key or f"{chosen.http_method} {resource.path}"
                return record(
                    ctx,
                    self.name,
                    Outcome.PASS,
                    f"Matched {label}",
                    f"{method} {path} matches {label}" + (f" with {params}." if params else "."),
                    detail={
                        "resource_path": resource.path,
                        "route_key": route_key,
                        "method": chosen.http_method,
                        "path_parameters": params,
                    },
                    duration_ms=ROUTING_MS,
                    fact="10",
                    lesson="api-types#routes",
                )
            if ctx.api.api_type == ApiType.REST:
                break  # REST picks the most specific resource, then needs the method on it
        if ctx.api.api_type == ApiType.HTTP and ctx.api.default_route is not None:
            ctx.match = RouteMatch(
                method=ctx.api.default_route,
                resource_id="$default",
                resource_path="/{proxy+}",
                route_key="$default",
                path_parameters={},
            )
            return record(
                ctx,
                self.name,
                Outcome.PASS,
                "Matched $default",
                f"No route matches {method} {path}, so the $default route catches it.",
                detail={"route_key": "$default"},
                duration_ms=ROUTING_MS,
                fact="10",
                lesson="api-types#routes",
            )
        return self._no_match(ctx, path_matched)

    def _no_match(self, ctx: Context, path_matched: bool) -> Step:
        method, path = ctx.request.method, ctx.request.path
        if ctx.api.api_type == ApiType.REST:
            ctx.error = GatewayError(response_type="MISSING_AUTHENTICATION_TOKEN")
            what = (
                f"the resource exists but has no {method} method"
                if path_matched
                else f"no resource matches {path}"
            )
            reason = (
                f"REST APIs answer 403 Missing Authentication Token when {what} — not 404, "
                "so an unknown path looks the same as an unsigned IAM call."
            )
            return record(
                ctx,
                self.name,
                Outcome.REJECT,
                "No matching resource or method (403)",
                reason,
                detail={"path_matched": path_matched},
                duration_ms=ROUTING_MS,
                fact="5.2",
                lesson="exam-tips#outdated-notes",
            )
        ctx.error = GatewayError(response_type="RESOURCE_NOT_FOUND", status=404)
        return record(
            ctx,
            self.name,
            Outcome.REJECT,
            "No matching route (404)",
            f"HTTP APIs answer 404 Not Found when no route matches {method} {path} and there is no $default route.",
            detail={"path_matched": path_matched},
            duration_ms=ROUTING_MS,
            fact="10",
            lesson="exam-tips#outdated-notes",
        )

    def _websocket(self, ctx: Context) -> Step:
        api, request = ctx.api, ctx.request
        event = (
            request.method.upper()
        )  # CONNECT | MESSAGE | DISCONNECT (the WebSocket front end's convention)
        key = {"CONNECT": "$connect", "DISCONNECT": "$disconnect"}.get(event) or select_route(
            api, request.body
        )
        route = api.special_routes.get(key) or (api.default_route if event == "MESSAGE" else None)
        if route is None and event != "MESSAGE":
            ctx.facts["no_route"] = key
            return record(
                ctx,
                self.name,
                Outcome.SKIP,
                f"No {key} route",
                f"The API defines no {key} route; API Gateway proceeds without calling an integration.",
                detail={"route_key": key},
                fact="9",
                lesson="websocket#routes",
            )
        if route is None:
            ctx.error = GatewayError(
                response_type="RESOURCE_NOT_FOUND",
                status=404,
                body=b'{"message": "Forbidden", "connectionId":"", "requestId":""}',
            )
            return record(
                ctx,
                self.name,
                Outcome.REJECT,
                "No route for this message",
                f"The selection expression gives {key!r}; no such route and no $default route.",
                detail={"route_key": key},
                fact="9",
                lesson="websocket#routes",
            )
        final_key = key if key in api.special_routes else "$default"
        ctx.match = RouteMatch(method=route, resource_id=final_key, resource_path="", route_key=final_key)
        return record(
            ctx,
            self.name,
            Outcome.PASS,
            f"Route {final_key}",
            f"{api.route_selection_expression} selects {key!r} → route {final_key}.",
            detail={"route_key": final_key, "selected": key},
            duration_ms=ROUTING_MS,
            fact="9",
            lesson="websocket#routes",
        )


def select_route(api: Api, body: bytes) -> str:
    """Evaluate the route selection expression on a message body (§9); non-JSON selects $default."""
    try:
        data: Any = json.loads(body or b"null")
    except ValueError:
        return "$default"

    def lookup(match: re.Match[str]) -> str:
        value: Any = data
        for part in match.group(1).split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return "" if value is None else str(value)

    return _SELECTION_PART.sub(lookup, api.route_selection_expression) or "$default"
