"""Lambda proxy events, field for field as API Gateway sends them (§6.1, §6.2, §9).

``rest_event`` is payload 1.0 as REST APIs send it (no ``version`` key); ``http_v1_event`` adds
``version: "1.0"`` for HTTP APIs; ``http_v2_event`` is payload 2.0; ``websocket_event`` builds the
$connect / MESSAGE / $disconnect events and is public for the WebSocket front end too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..messages import Request
from .event_parts import (
    domain_prefix,
    encode_body,
    multi_headers,
    multi_query,
    or_none,
    request_time,
    rest_identity,
    single_headers,
    single_query,
    user_agent,
)
from .types import IntegrationCall


def _binary_types(call: IntegrationCall) -> list[str]:
    return list(call.integration.get("binaryMediaTypes") or ())


def rest_event(call: IntegrationCall) -> dict[str, Any]:
    """Return the payload-1.0 event a REST API sends to a Lambda proxy integration (§6.1)."""
    request = call.request
    body, is_base64 = encode_body(request, _binary_types(call))
    context: dict[str, Any] = {
        "accountId": call.account_id,
        "apiId": call.api_id,
        "deploymentId": call.deployment_id,
        "domainName": call.domain_name,
        "domainPrefix": domain_prefix(call.domain_name),
        "extendedRequestId": call.extended_request_id,
        "httpMethod": request.method,
        "identity": rest_identity(request, call.identity),
        "path": f"/{call.stage}{request.path}",  # requestContext.path includes the stage; top-level path does not
        "protocol": request.protocol,
        "requestId": call.request_id,
        "requestTime": request_time(call.request_time_ms),
        "requestTimeEpoch": int(call.request_time_ms),
        "resourceId": call.resource_id,
        "resourcePath": call.resource_path,
        "stage": call.stage,
    }
    if call.authorizer is not None:
        context["authorizer"] = dict(call.authorizer)
    return {
        "resource": call.resource_path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": single_headers(request.headers),
        "multiValueHeaders": multi_headers(request.headers),
        "queryStringParameters": single_query(request.query),
        "multiValueQueryStringParameters": multi_query(request.query),
        "pathParameters": or_none(call.path_parameters),
        "stageVariables": or_none(call.stage_variables),
        "requestContext": context,
        "body": body,
        "isBase64Encoded": is_base64,
    }


def http_v1_event(call: IntegrationCall) -> dict[str, Any]:
    """Return the payload-1.0 event of an HTTP API: REST's shape plus ``version`` and ``routeKey``."""
    event = {"version": "1.0", **rest_event(call)}
    event["resource"] = call.resource_path or call.route_key
    context = event["requestContext"]
    context["resourceId"] = call.route_key
    context["resourcePath"] = call.resource_path or call.route_key
    context["routeKey"] = call.route_key
    context["path"] = _http_raw_path(call)
    return event


def _http_raw_path(call: IntegrationCall) -> str:
    # HTTP APIs serve the $default stage at the root; a named stage stays in the raw path.
    return call.request.path if call.stage == "$default" else f"/{call.stage}{call.request.path}"


def _cookies(request: Request) -> list[str]:
    return [c.strip() for value in request.headers.get_all("Cookie") for c in value.split(";") if c.strip()]


def _joined(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Duplicates joined with commas, as payload 2.0 does for headers and query parameters (§6.2)."""
    joined: dict[str, list[str]] = {}
    for name, value in pairs:
        joined.setdefault(name, []).append(value)
    return {name: ",".join(values) for name, values in joined.items()}


def http_v2_event(call: IntegrationCall) -> dict[str, Any]:
    """Return the payload-2.0 event of an HTTP API (§6.2); empty optional maps are left out."""
    request = call.request
    body, is_base64 = encode_body(request, _binary_types(call))
    headers = _joined([(k.lower(), v) for k, v in request.headers.pairs if k.lower() != "cookie"])
    context: dict[str, Any] = {
        "accountId": call.account_id,
        "apiId": call.api_id,
        "domainName": call.domain_name,
        "domainPrefix": domain_prefix(call.domain_name),
        "http": {
            "method": request.method,
            "path": _http_raw_path(call),
            "protocol": request.protocol,
            "sourceIp": request.client.source_ip,
            "userAgent": user_agent(request),
        },
        "requestId": call.request_id,
        "routeKey": call.route_key,
        "stage": call.stage,
        "time": request_time(call.request_time_ms),
        "timeEpoch": int(call.request_time_ms),
    }
    if call.authorizer is not None:
        context["authorizer"] = dict(call.authorizer)
    optional: dict[str, Any] = {
        "cookies": _cookies(request) or None,
        "queryStringParameters": _joined(list(request.query)) or None,
        "pathParameters": or_none(call.path_parameters),
        "stageVariables": or_none(call.stage_variables),
        "body": body,
    }
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": call.route_key,
        "rawPath": _http_raw_path(call),
        "rawQueryString": request.query_string,
        "headers": headers,
        "requestContext": context,
        "isBase64Encoded": is_base64,
    }
    event.update({k: v for k, v in optional.items() if v is not None})
    return event


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
    if event_type != "MESSAGE" and request is not None:  # headers travel with the upgrade request only
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


def proxy_event(call: IntegrationCall) -> dict[str, Any]:
    """Return the event for ``call``'s API type and ``payloadFormatVersion``."""
    if call.api_type == "WEBSOCKET":
        return websocket_event_for_call(call)
    if call.api_type == "HTTP":
        version = str(call.integration.get("payloadFormatVersion", "2.0"))
        return http_v2_event(call) if version == "2.0" else http_v1_event(call)
    return rest_event(call)
