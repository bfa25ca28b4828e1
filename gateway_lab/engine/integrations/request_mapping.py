"""Integration requests for non-proxy integrations: ``$context``, parameters, template choice, passthrough (§6.4)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from . import errors, mapping
from .event_parts import domain_prefix, request_time, rest_identity
from .types import IntegrationCall, IntegrationError

T = TypeVar("T")
DEFAULT_CONTENT_TYPE = "application/json"  # API Gateway assumes JSON when the request has no Content-Type


def _once_per_call(build: Callable[[IntegrationCall], T]) -> Callable[[IntegrationCall], T]:
    """Remember ``build``'s result for the latest call: request and response templates both need it.

    Calls are frozen, so the value cannot go stale; the one-entry memo is read as a whole, so a
    concurrent call in another thread sees either its own entry or a miss.
    """
    last: list[tuple[IntegrationCall, T]] = []

    def once(call: IntegrationCall) -> T:
        memo = last[0] if last else None
        if memo is not None and memo[0] is call:
            return memo[1]
        value = build(call)
        last[:] = [(call, value)]
        return value

    return once


@_once_per_call
def vtl_context(call: IntegrationCall) -> dict[str, Any]:
    """Return ``$context`` as templates see it (§6.4); treat the result as read-only."""
    request = call.request
    authorizer = dict(call.authorizer or {})
    # $context.authorizer.<key> reads the Lambda authorizer's context keys directly.
    authorizer.update(authorizer.pop("context", None) or {})
    return {
        "accountId": call.account_id, "apiId": call.api_id, "authorizer": authorizer,
        "deploymentId": call.deployment_id, "domainName": call.domain_name,
        "domainPrefix": domain_prefix(call.domain_name), "extendedRequestId": call.extended_request_id,
        "httpMethod": request.method, "identity": rest_identity(request, call.identity),
        "path": f"/{call.stage}{request.path}", "protocol": request.protocol, "requestId": call.request_id,
        "awsEndpointRequestId": call.request_id, "requestTime": request_time(call.request_time_ms),
        "requestTimeEpoch": int(call.request_time_ms), "resourceId": call.resource_id,
        "resourcePath": call.resource_path, "stage": call.stage, "routeKey": call.route_key,
        "connectionId": (call.connection or {}).get("connectionId", ""),
    }  # fmt: skip


@_once_per_call
def vtl_params(call: IntegrationCall) -> dict[str, dict[str, str]]:
    """Return ``$input.params()``: path, querystring and header maps (single values, last wins); read-only."""
    return {
        "path": dict(call.path_parameters),
        "querystring": dict(call.request.query),
        "header": call.request.headers.to_dict(),
    }


def content_type(call: IntegrationCall) -> str:
    raw = call.request.headers.get("Content-Type", "") or DEFAULT_CONTENT_TYPE
    return raw.split(";")[0].strip().lower()


def choose_request_template(integration: Mapping[str, Any], ctype: str) -> tuple[str | None, bool]:
    """Return (template, passthrough_allowed) for a content type under the passthrough behaviour (§6.4)."""
    templates = {k.lower(): v for k, v in (integration.get("requestTemplates") or {}).items()}
    if ctype in templates:
        return templates[ctype], False
    behaviour = str(integration.get("passthroughBehavior", "WHEN_NO_MATCH")).upper()
    if behaviour == "WHEN_NO_MATCH":
        return None, True
    if behaviour == "WHEN_NO_TEMPLATES":
        return None, not templates
    return None, False  # NEVER


def map_request(call: IntegrationCall) -> tuple[str, dict[str, Any]] | IntegrationError:
    """Return (integration request body, trace detail), or 415 when passthrough is not allowed."""
    ctype = content_type(call)
    template, passthrough = choose_request_template(call.integration, ctype)
    body = call.request.text()
    if template is None and not passthrough:
        return errors.unsupported_media_type(ctype)
    if template is None:
        return body, {"content_type": ctype, "template": None, "passthrough": True}
    rendered = mapping.render(
        template,
        body=body,
        params=vtl_params(call),
        context=vtl_context(call),
        stage_variables=call.stage_variables,
    )
    return rendered, {"content_type": ctype, "template": template, "passthrough": False, "mapped": rendered}
