"""Routing stage (§10, §14.2): REST answers an unknown path or method with 403, HTTP APIs with 404.

WebSocket events are routed by ``routing_ws`` (§9).
"""

from __future__ import annotations

from ..context import Context, GatewayError, RouteMatch
from ..model import Api, ApiType
from ..router import CACHE_SIZE, Router
from ..speedups import fast_constructor
from ..text import Text
from ..trace import Outcome, StageName, Step
from .base import record, stamp, template
from .routing_ws import ROUTING_MS, route_websocket

MATCHED = Text("Matched {route}")
MATCHES = Text("{method} {path} matches {route}.")
MATCHES_WITH = Text("{method} {path} matches {route} with {params}.")
MATCHED_DEFAULT = Text("Matched $default")
DEFAULT_CATCHES = Text("No route matches {method} {path}, so the $default route catches it.")
NO_METHOD = Text("the resource exists but has no {method} method")
NO_RESOURCE = Text("no resource matches {path}")
REST_403 = Text(
    "REST APIs answer 403 Missing Authentication Token when {what} — not 404, "
    "so an unknown path looks the same as an unsigned IAM call."
)
REST_403_TITLE = Text("No matching resource or method (403)")
HTTP_404_TITLE = Text("No matching route (404)")
HTTP_404 = Text(
    "HTTP APIs answer 404 Not Found when no route matches {method} {path} and there is no $default route."
)

_make_match = fast_constructor(RouteMatch)  # RouteMatch(...) on the hot path (see speedups)


class RoutingStage:
    """Routes by method and path. A matched (method, path) always gives the same match and the same
    step but for its time, so both are kept per API on the instance (one per pipeline) for the next
    request of that path; a path that matches nothing is worked out again every time."""

    name = StageName.ROUTING

    def __init__(self) -> None:
        self._routers: dict[int, tuple[Api, Router]] = {}
        # (id(api), method, path) → (api, match, step); entries keep the API alive, so ids are not reused.
        self._matched: dict[tuple[int, str, str], tuple[Api, RouteMatch, Step]] = {}

    def _router(self, api: Api) -> Router:
        cached = self._routers.get(id(api))
        if cached is None or cached[0] is not api:
            cached = (api, Router(api.resources))
            self._routers[id(api)] = cached
        return cached[1]

    def evaluate(self, ctx: Context) -> Step:
        api, request = ctx.api, ctx.request
        key = (id(api), request.method, request.path)
        kept = self._matched.get(key)
        if kept is not None and kept[0] is api:
            ctx.match = kept[1]
            return stamp(ctx, kept[2])
        if api.api_type == ApiType.WEBSOCKET:
            return route_websocket(ctx)
        found = self._route(api, request.method, request.path)
        if found is False or found is True:
            return self._no_match(ctx, found)
        if len(self._matched) >= CACHE_SIZE:
            self._matched.clear()
        self._matched[key] = (api, found[0], found[1])
        ctx.match = found[0]
        return stamp(ctx, found[1])

    def _route(self, api: Api, method: str, path: str) -> tuple[RouteMatch, Step] | bool:
        """Return the match and its step, or, when nothing matches, whether the path did (REST: a
        resource without the method)."""
        path_matched = False
        for resource, params in self._router(api).candidates(path):
            path_matched = True
            chosen = resource.methods.get(method) or resource.methods.get("ANY")
            if chosen is not None:
                route_key = "" if api.api_type == ApiType.REST else f"{chosen.http_method} {resource.path}"
                match = _make_match(chosen, resource.id, resource.path, route_key, params)
                label = route_key or f"{chosen.http_method} {resource.path}"
                return match, template(
                    self.name,
                    Outcome.PASS,
                    MATCHED(route=label),
                    MATCHES_WITH(method=method, path=path, route=label, params=str(params))
                    if params
                    else MATCHES(method=method, path=path, route=label),
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
            if api.api_type == ApiType.REST:
                break  # REST picks the most specific resource, then needs the method on it
        if api.api_type == ApiType.HTTP and api.default_route is not None:
            match = RouteMatch(
                method=api.default_route,
                resource_id="$default",
                resource_path="/{proxy+}",
                route_key="$default",
                path_parameters={},
            )
            return match, template(
                self.name,
                Outcome.PASS,
                MATCHED_DEFAULT(),
                DEFAULT_CATCHES(method=method, path=path),
                detail={"route_key": "$default"},
                duration_ms=ROUTING_MS,
                fact="10",
                lesson="api-types#routes",
            )
        return path_matched

    def _no_match(self, ctx: Context, path_matched: bool) -> Step:
        method, path = ctx.request.method, ctx.request.path
        if ctx.api.api_type == ApiType.REST:
            ctx.error = GatewayError(response_type="MISSING_AUTHENTICATION_TOKEN")
            what = NO_METHOD(method=method) if path_matched else NO_RESOURCE(path=path)
            reason = REST_403(what=what)
            return record(
                ctx,
                self.name,
                Outcome.REJECT,
                REST_403_TITLE(),
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
            HTTP_404_TITLE(),
            HTTP_404(method=method, path=path),
            detail={"path_matched": path_matched},
            duration_ms=ROUTING_MS,
            fact="10",
            lesson="exam-tips#outdated-notes",
        )
