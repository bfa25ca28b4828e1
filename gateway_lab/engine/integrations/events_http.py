"""The events an HTTP API sends to a Lambda proxy integration: payload 1.0 and 2.0 (§6.1, §6.2)."""

from __future__ import annotations

from typing import Any

from ..messages import Request
from .event_parts import domain_prefix, encode_body, or_none, request_time, user_agent
from .events_rest import binary_types, rest_event
from .types import IntegrationCall


def http_v1_event(call: IntegrationCall) -> dict[str, Any]:
    """Return the payload-1.0 event of an HTTP API: REST's shape plus ``version`` and ``routeKey``."""
    event = {"version": "1.0", **rest_event(call)}
    event["requestContext"].pop("operationName", None)  # a REST method setting
    event["resource"] = call.resource_path or call.route_key
    context = event["requestContext"]
    context["resourceId"] = call.route_key
    context["resourcePath"] = call.resource_path or call.route_key
    context["routeKey"] = call.route_key
    context["path"] = http_raw_path(call)
    return event


def http_raw_path(call: IntegrationCall) -> str:
    """Return the raw path an HTTP API reports for ``call``."""
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
    body, is_base64 = encode_body(request, binary_types(call))
    headers = _joined([(k.lower(), v) for k, v in request.headers.pairs if k.lower() != "cookie"])
    context: dict[str, Any] = {
        "accountId": call.account_id,
        "apiId": call.api_id,
        "domainName": call.domain_name,
        "domainPrefix": domain_prefix(call.domain_name),
        "http": {
            "method": request.method,
            "path": http_raw_path(call),
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
    if "clientCert" in call.identity:  # mutual TLS (§6.2)
        context["authentication"] = {"clientCert": call.identity["clientCert"]}
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
        "rawPath": http_raw_path(call),
        "rawQueryString": request.query_string,
        "headers": headers,
        "requestContext": context,
        "isBase64Encoded": is_base64,
    }
    event.update({k: v for k, v in optional.items() if v is not None})
    return event
