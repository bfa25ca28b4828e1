"""Integration stage (§6): hand the request to ``integrations.invoke`` and record what came back.

This stage builds the ``IntegrationCall`` and substitutes nothing itself: stage variables, mapping
templates, events and proxy-response rules all belong to the integrations package.
"""

from __future__ import annotations

from typing import Any

from ..context import Context, GatewayError
from ..integrations import IntegrationCall, IntegrationResult, invoke
from ..speedups import fast_constructor
from ..text import Text
from ..trace import Outcome, StageName, Step
from .base import record
from .cache_policy import store_response

NONE = Text("No integration")
NONE_WHY = Text("No route, so no integration runs.")
FAILED = Text("{kind} integration failed ({status})")
FAILED_WHY = Text("{log}. The client gets {status} {message}.")
ANSWERED = Text("{kind} integration → {status}")
ANSWERED_WHY = Text("The backend answered {status} after {duration} ms.")
ANSWERED_CACHED_WHY = Text(
    "The backend answered {status} after {duration} ms. Kept in the cache for {ttl_s} s."
)

LESSONS = {
    "AWS_PROXY": "integrations#lambda-proxy",
    "AWS": "integrations#aws-service",
    "HTTP": "integrations#http",
    "HTTP_PROXY": "integrations#http",
    "MOCK": "integrations#mock",
}


class IntegrationStage:
    name = StageName.INTEGRATION

    def evaluate(self, ctx: Context) -> Step:
        if ctx.match is None:  # a WebSocket event without a route: nothing to call
            return record(
                ctx,
                self.name,
                Outcome.SKIP,
                NONE(),
                NONE_WHY(),
                fact="9",
                lesson="websocket#routes",
            )
        kind = str(ctx.match.method.integration.get("type", "")).upper()
        result: IntegrationResult = invoke(build_call(ctx), ctx.runtime)
        detail: dict[str, Any] = {**result.detail, "type": kind}
        lesson = LESSONS.get(kind, "integrations#lambda-proxy")
        if result.error is not None:
            err = result.error
            ctx.error = GatewayError(
                response_type=err.gateway_response_type, status=err.status, message=err.message, log=err.log
            )
            timed_out = err.gateway_response_type == "INTEGRATION_TIMEOUT"
            return record(
                ctx,
                self.name,
                Outcome.ERROR,
                FAILED(kind=kind, status=str(err.status)),
                FAILED_WHY(
                    log=str(err.log or err.message), status=str(err.status), message=repr(err.message)
                ),
                detail={**detail, "error": err.gateway_response_type, "log": err.log},
                duration_ms=result.duration_ms,
                fact="5.1" if timed_out else "5.3",
                lesson="integrations#timeouts" if timed_out else lesson,
                fidelity=result.fidelity,
            )
        assert result.response is not None
        ctx.response = result.response
        not_cached = store_response(ctx, result.response) if ctx.cache_pending else "caching not in use"
        detail["cached"] = not_cached is None
        status = str(result.response.status)
        if ctx.cache_pending and not_cached is None:
            why = ANSWERED_CACHED_WHY(
                status=status, duration=result.duration_ms, ttl_s=ctx.cache_pending[1] / 1000
            )
        else:  # the same status and modelled latency repeat request after request
            why = ANSWERED_WHY.cached(status=status, duration=result.duration_ms)
        return record(
            ctx,
            self.name,
            Outcome.PASS,
            ANSWERED.cached(kind=kind, status=status),
            why,
            detail=detail,
            duration_ms=result.duration_ms,
            fact="6",
            lesson=lesson,
            fidelity=result.fidelity,
        )


def build_call(ctx: Context) -> IntegrationCall:
    """Return the ``IntegrationCall`` for this request (contract in DESIGN.md / integrations.types)."""
    match = ctx.match
    assert match is not None
    api, request = ctx.api, ctx.request
    client = request.client
    identity = {
        "sourceIp": client.source_ip,
        "userAgent": request.headers.get("User-Agent", client.user_agent),
        **ctx.identity,
    }
    if ctx.api_key is not None:
        identity.setdefault("apiKey", ctx.api_key)
        identity.setdefault("apiKeyId", ctx.api_key_id)
    method = match.method
    return _make_call(  # IntegrationCall's fields in order (positional: once per request)
        str(api.api_type),
        api.id,
        ctx.stage.name,
        api.region,
        f"{api.id}.execute-api.{api.region}.amazonaws.com",
        method.integration,
        request,
        ctx.account.account_id,
        str(api.endpoint_type),
        match.resource_path,
        match.route_key,
        match.path_parameters,
        ctx.stage_variables,
        ctx.request_id,
        ctx.extended_request_id,
        ctx.arrival_ms + ctx.elapsed_ms,  # request_time_ms: ctx.now_ms
        match.resource_id,
        ctx.deployment.id,
        ctx.authorizer,
        identity,
        ctx.facts.get("connection"),
        api.binary_media_types,
        method.raw.get("operationName"),
    )


_make_call = fast_constructor(IntegrationCall)  # IntegrationCall(...) once per request (see speedups)
