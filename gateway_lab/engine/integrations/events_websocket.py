"""The $connect / MESSAGE / $disconnect events a WebSocket API sends to its integrations (§9)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..messages import Request
from .event_parts import multi_headers, multi_query, request_time, single_headers, single_query, user_agent
from .types import IntegrationCall


def disconnect_headers(domain_name: str) -> dict[str, str]:
    """The headers of a ``$disconnect`` event: Host, and empty x-api-key, X-Forwarded-For, x-restapi (§9)."""
    return {"Host": domain_name, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""}


def websocket_event(
    *,
    api_id: str,
    stage: str,
    domain_name: str,
    route_key: str,
    connection_id: str,
    connected_at_ms: float,
    request_id: str,
    extended_request_id: str,
    request_time_ms: float,
    source_ip: str,
    user_agent: str | None = None,
    request: Request | None = None,
    body: str | None = None,
    message_id: str | None = None,
    disconnect_status_code: int = 1001,
    disconnect_reason: str = "",
    stage_variables: Mapping[str, str] | None = None,
    authorizer: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return a WebSocket event: ``$connect`` and ``$disconnect`` by route key, any other route is MESSAGE (§9)."""
    event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route_key, "MESSAGE")
    context: dict[str, Any] = {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": extended_request_id,
        "requestTime": request_time(request_time_ms),
        "messageDirection": "IN",
        "stage": stage,
        "connectedAt": int(connected_at_ms),
        "requestTimeEpoch": int(request_time_ms),
        "identity": {"sourceIp": source_ip, **({"userAgent": user_agent} if user_agent else {})},
        "requestId": request_id,
        "domainName": domain_name,
        "connectionId": connection_id,
        "apiId": api_id,
    }
    if event_type == "MESSAGE":
        context["messageId"] = message_id or ""
    if event_type == "DISCONNECT":
        context["disconnectStatusCode"] = disconnect_status_code
        context["disconnectReason"] = disconnect_reason
    if authorizer is not None:
        context["authorizer"] = dict(authorizer)
    event: dict[str, Any] = {"requestContext": context, "isBase64Encoded": False}
    if event_type == "DISCONNECT":  # the socket is gone: AWS sends a fixed set of headers (recorded event)
        headers = disconnect_headers(domain_name)
        event["headers"] = headers
        event["multiValueHeaders"] = {name: [value] for name, value in headers.items()}
    elif event_type == "CONNECT" and request is not None:  # headers travel with the upgrade request only
        event["headers"] = single_headers(request.headers)
        event["multiValueHeaders"] = multi_headers(request.headers)
        if request.query:
            event["queryStringParameters"] = single_query(request.query)
            event["multiValueQueryStringParameters"] = multi_query(request.query)
    if stage_variables:
        event["stageVariables"] = dict(stage_variables)
    if body is not None:
        event["body"] = body
    return event


def websocket_event_for_call(call: IntegrationCall) -> dict[str, Any]:
    """Return the WebSocket event for an integration call (``call.connection`` holds the connection)."""
    connection = dict(call.connection or {})
    body = call.request.text() if call.request.body else None
    return websocket_event(
        api_id=call.api_id, stage=call.stage, domain_name=call.domain_name, route_key=call.route_key,
        connection_id=str(connection.get("connectionId", "")),
        connected_at_ms=float(connection.get("connectedAt", call.request_time_ms)),
        request_id=call.request_id, extended_request_id=call.extended_request_id,
        request_time_ms=call.request_time_ms, source_ip=call.request.client.source_ip,
        user_agent=user_agent(call.request), request=call.request, body=body,
        message_id=connection.get("messageId"),
        disconnect_status_code=int(connection.get("disconnectStatusCode", 1001)),
        disconnect_reason=str(connection.get("disconnectReason", "")),
        stage_variables=call.stage_variables, authorizer=call.authorizer,
    )  # fmt: skip
