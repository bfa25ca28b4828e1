"""HTTP views: the ``@connections`` callback API and the WebSocket demo pages.

The callback view authenticates the caller (SigV4 or the lab bearer token), asks the engine's
``ConnectionsApi`` what to answer, then delivers the push or close through the channel layer so it
reaches the client whichever server process holds its socket.
"""

from __future__ import annotations

import time
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from gateway_lab.functions.websocket.ticker import prices

from . import services, viewers
from .delivery import deliver
from .layers import OUTAGE_ERRORS

FORBIDDEN = {"message": "Forbidden"}


@csrf_exempt  # a machine API authenticated by its Authorization header, never by cookies
def connections(request: HttpRequest, api_id: str, stage: str, connection_id: str) -> HttpResponse:
    """``POST|GET|DELETE /gw/<api-id>/<stage>/@connections/<id>`` (GATEWAY_FACTS.md §9).

    Callers sign with SigV4 as a lab IAM user allowed ``execute-api:ManageConnections`` (§7.1), or
    send the lab's bearer token (the demo page's shortcut).
    """
    gateway = services.gateway_for(api_id, stage)
    bearer = services.token_valid(request.headers.get("Authorization", ""))
    if gateway is None:  # unknown to anyone unauthenticated: don't reveal which APIs exist
        return (
            _answer(404, {"message": "Not Found"})
            if bearer
            else _answer(403, FORBIDDEN, "ForbiddenException")
        )
    if not bearer:
        engine_request, raw_path = services.management_request(request)
        verdict = gateway.authorize_management(engine_request, connection_id=connection_id, raw_path=raw_path)
        if verdict.refusal is not None:
            refusal = verdict.refusal
            return HttpResponse(refusal.body, status=refusal.status, headers=refusal.headers)
    result = gateway.connections_api().handle(request.method or "GET", connection_id, request.body)
    if result.action is not None:
        async_to_sync(deliver)([result.action])
    return HttpResponse(result.body, status=result.status, headers=result.headers)


def _answer(status: int, body: dict[str, str], error_type: str | None = None) -> JsonResponse:
    return JsonResponse(body, status=status, headers={"x-amzn-ErrorType": error_type} if error_type else None)


def demo(request: HttpRequest) -> HttpResponse:
    """The WebSocket demo page: chat, ticker, connection inspector, polling vs push, event traces.

    Template: ``livegw/demo.html``. Context: ``ws_path``, ``token`` (the @connections lab token),
    ``access_key_id``/``secret_access_key`` (the demo API's lab IAM user, for SigV4),
    ``show_credentials``.

    The credentials let anyone who holds them push to or close any connection, so a public server
    (``DEBUG`` off) shows them to staff only; a learner's own ``make run`` shows them to everyone.
    """
    show_credentials = settings.DEBUG or request.user.is_staff
    access_key_id, secret_access_key = (
        services.demo_credentials() if show_credentials else ("<access-key-id>", "<secret>")
    )
    context = {
        "api_id": "demo-ws",
        "stage": "prod",
        "ws_path": "/gw/demo-ws/prod",
        "traces_path": "/ws-demo/traces/demo-ws/prod",
        "show_credentials": show_credentials,
        "token": services.connections_token() if show_credentials else "<token>",
        "access_key_id": access_key_id,
        "secret_access_key": secret_access_key,
    }
    response = render(request, "livegw/demo.html", context)
    viewers.ensure_viewer_cookie(request, response)  # ties this browser's sockets to it (viewers.py)
    return response


@require_GET
def current_prices(request: HttpRequest) -> JsonResponse:
    """The REST side of "polling vs push": the prices of the current second, and when they were set."""
    second = int(time.time())
    return JsonResponse(
        {"type": "tick", "second": second, "sent_ms": second * 1000, "prices": prices(second)}
    )


@require_GET
def connection_list(request: HttpRequest, api_id: str, stage: str) -> HttpResponse:
    """The connection inspector: the registry's live connections (an htmx fragment, or JSON).

    Staff see every connection; anyone else sees the connections their own browser opened (its
    viewer cookie, ``viewers.py``) and only a count of the others: ids, addresses and user agents
    of other people are not theirs to see.
    """
    gateway = services.gateway_for(api_id, stage)
    now = services.CLOCK.now_ms()
    try:
        every = [] if gateway is None else gateway.registry.list(now_ms=now)
        rows = every if request.user.is_staff else _own(request, api_id, stage, every)
    except OUTAGE_ERRORS:
        return _answer(503, {"message": "Service Unavailable"})
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
        ],
        "others": len(every) - len(rows),
        "all_visible": request.user.is_staff,
    }
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(context)
    return render(request, "livegw/_connections.html", context)


def _own(request: HttpRequest, api_id: str, stage: str, connections: list[Any]) -> list[Any]:
    """Return the connections opened by this browser (its viewer cookie); none without the cookie."""
    viewer = viewers.viewer_of_request(request)
    if not viewer or not connections:
        return []
    owner_of = viewers.owners(api_id, stage, [c.connection_id for c in connections])
    return [c for c in connections if owner_of[c.connection_id] == viewer]
