"""HTTP views: the ``@connections`` callback API and the WebSocket demo pages.

The callback view authenticates the caller (a lab bearer token; SigV4 later), asks the engine's
``ConnectionsApi`` what to answer, then delivers the push or close through the channel layer so it
reaches the client whichever server process holds its socket.
"""

from __future__ import annotations

import time

from asgiref.sync import async_to_sync
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from gateway_lab.functions.websocket.ticker import prices

from . import services
from .delivery import deliver

FORBIDDEN = {"message": "Forbidden"}


@csrf_exempt  # a machine API authenticated by its Authorization header, never by cookies
def connections(request: HttpRequest, api_id: str, stage: str, connection_id: str) -> HttpResponse:
    """``POST|GET|DELETE /gw/<api-id>/<stage>/@connections/<id>`` (GATEWAY_FACTS.md §9)."""
    if not services.token_valid(request.headers.get("Authorization", "")):
        return JsonResponse(FORBIDDEN, status=403, headers={"x-amzn-ErrorType": "ForbiddenException"})
    gateway = services.gateway_for(api_id, stage)
    if gateway is None:
        return JsonResponse({"message": "Not Found"}, status=404)
    result = gateway.connections_api().handle(request.method or "GET", connection_id, request.body)
    if result.action is not None:
        async_to_sync(deliver)([result.action])
    return HttpResponse(result.body, status=result.status, headers=result.headers)


def demo(request: HttpRequest) -> HttpResponse:
    """The WebSocket demo page: chat, ticker, connection inspector, polling vs push, event traces.

    Template: ``livegw/demo.html``. Context: ``ws_path``, ``token`` (the @connections lab token).
    """
    context = {
        "api_id": "demo-ws",
        "stage": "prod",
        "ws_path": "/gw/demo-ws/prod",
        "traces_path": "/ws-demo/traces/demo-ws/prod",
        "token": services.connections_token(),
    }
    return render(request, "livegw/demo.html", context)


@require_GET
def current_prices(request: HttpRequest) -> JsonResponse:
    """The REST side of "polling vs push": the prices of the current second, and when they were set."""
    second = int(time.time())
    return JsonResponse(
        {"type": "tick", "second": second, "sent_ms": second * 1000, "prices": prices(second)}
    )


@require_GET
def connection_list(request: HttpRequest, api_id: str, stage: str) -> HttpResponse:
    """The connection inspector: the registry's live connections (an htmx fragment)."""
    gateway = services.gateway_for(api_id, stage)
    rows = [] if gateway is None else gateway.registry.list(now_ms=services.CLOCK.now_ms())
    now = services.CLOCK.now_ms()
    context = {
        "rows": [
            {
                "id": c.connection_id,
                "ip": c.source_ip,
                "agent": c.user_agent,
                "messages": c.messages,
                "age_s": round((now - c.connected_at_ms) / 1000),
                "idle_s": round((now - c.last_active_ms) / 1000),
            }
            for c in rows
        ]
    }
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(context)
    return render(request, "livegw/_connections.html", context)
