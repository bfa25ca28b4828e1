"""Response stage (§5.2, §5.3): gateway responses for every error path, request-id and edge headers."""

from __future__ import annotations

from email.utils import formatdate
from functools import lru_cache

from .. import cloudfront, responses
from ..context import Context
from ..messages import Headers, Response
from ..model import ApiType
from ..speedups import fast_constructor
from ..text import Text
from ..trace import Outcome, StageName, Step
from .base import record, stamp, template

RESPONSE_MS = 0.2
_make_response = fast_constructor(Response)  # Response(...) on the hot path (see speedups)

GATEWAY_RESPONSE = Text("Gateway response {response_type} → {status}")
DEFAULT_WHY = Text("API Gateway answers with the {response_type} gateway response (AWS's default).")
CUSTOM_WHY = Text("API Gateway answers with the {response_type} gateway response (customised on this API).")
DELIVERED = Text("Response {status}")
DELIVERED_WHY = Text("The client receives the {status} response.")


class ResponseStage:
    name = StageName.RESPONSE

    def evaluate(self, ctx: Context) -> Step:
        if ctx.error is not None:
            rendered = responses.render(
                ctx.error,
                api_type=ctx.api.api_type,
                custom=ctx.api.gateway_responses,
                variables=lambda: _variables(ctx),
            )
            response = Response(status=rendered.status, headers=rendered.headers, body=rendered.body)  # type: ignore[arg-type]
            kind = ctx.error.response_type
            title = GATEWAY_RESPONSE(response_type=kind, status=str(rendered.status))
            reason = (CUSTOM_WHY if rendered.customised else DEFAULT_WHY)(response_type=kind)
            detail = {"gateway_response": ctx.error.response_type, "customised": rendered.customised}
        else:
            response = ctx.response or Response(
                status=200, headers=Headers({"Content-Type": "application/json"})
            )
            ctx.response = _make_response(
                response.status, _with_gateway_headers(ctx, response), response.body
            )
            return stamp(ctx, _delivered(response.status))
        response = _make_response(response.status, _with_gateway_headers(ctx, response), response.body)
        ctx.response = response
        detail["status"] = response.status  # headers and body are in the trace's response
        return record(
            ctx,
            self.name,
            Outcome.PASS,
            title,
            reason,
            detail=detail,
            duration_ms=RESPONSE_MS,
            fact="5.2",
            lesson="integrations#gateway-responses" if ctx.error else "integrations#proxy-response",
        )


@lru_cache(maxsize=64)
def _delivered(status: int) -> Step:
    """The step of a delivered response: the same for every response of that status (stamped per request)."""
    return template(
        StageName.RESPONSE,
        Outcome.PASS,
        DELIVERED(status=str(status)),
        DELIVERED_WHY(status=str(status)),
        detail={"status": status},  # headers and body are in the trace's response
        duration_ms=RESPONSE_MS,
        fact="5.2",
        lesson="integrations#proxy-response",
    )


@lru_cache(maxsize=8)
def http_date(epoch_s: int) -> str:
    """Return the RFC 7231 date of a second (cached: consecutive requests share a second)."""
    return formatdate(epoch_s, usegmt=True)


def _with_gateway_headers(ctx: Context, response: Response) -> Headers:
    """Add the headers API Gateway itself sets: date, request ids, CloudFront's on edge APIs (§5.3, §2)."""
    date = http_date(int((ctx.arrival_ms + ctx.elapsed_ms) // 1000))  # ctx.now_ms
    rest = ctx.api.api_type == ApiType.REST
    pairs = response.headers if isinstance(response.headers, tuple) else response.headers.pairs
    if rest and ctx.edge and ctx.error is None and not ctx.response_headers and "trace_id" in ctx.facts:
        # The usual edge REST answer, in one tuple: the general path below with its branches decided.
        request_id = ctx.request_id
        return Headers.of_pairs(
            (
                *[(k, v) for k, v in pairs if k.lower() not in _EDGE_TRACED_NAMES],
                ("Date", date),
                ("x-amzn-RequestId", request_id),
                ("x-amz-apigw-id", ctx.extended_request_id),
                ("X-Amzn-Trace-Id", ctx.facts["trace_id"]),
                *cloudfront.response_headers(
                    ctx.request.client, request_id=request_id, error=response.status >= 400
                ),
            )
        )
    added = [("Date", date)]
    traced = rest and ctx.error is None and "trace_id" in ctx.facts
    if rest:
        added += [("x-amzn-RequestId", ctx.request_id), ("x-amz-apigw-id", ctx.extended_request_id)]
        if traced:
            added.append(("X-Amzn-Trace-Id", ctx.facts["trace_id"]))
    else:
        added.append(("apigw-requestid", ctx.extended_request_id))
    names = _replaced_names(rest, traced, ctx.edge)
    if ctx.response_headers:
        extra = [(str(k), str(v)) for k, v in ctx.response_headers]
        added += extra
        names = names | {name.lower() for name, _ in extra}
    if ctx.edge:
        added += cloudfront.response_headers(
            ctx.request.client, request_id=ctx.request_id, error=response.status >= 400
        )
    kept = [(k, v) for k, v in pairs if k.lower() not in names]
    return Headers.of_pairs((*kept, *added))


@lru_cache(maxsize=8)
def _replaced_names(rest: bool, traced: bool, edge: bool) -> frozenset[str]:
    """Lower-case names of the headers the gateway sets, which replace the backend's of the same name."""
    names = {"date"} | ({"x-amzn-requestid", "x-amz-apigw-id"} if rest else {"apigw-requestid"})
    if traced:
        names.add("x-amzn-trace-id")
    if edge:
        names |= {name.lower() for name in cloudfront.RESPONSE_NAMES}
    return frozenset(names)


def _variables(ctx: Context) -> dict[str, object]:
    """Values a REST gateway-response template or header mapping may reference (§5.2)."""
    values: dict[str, object] = {
        "context.requestId": ctx.request_id,
        "context.extendedRequestId": ctx.extended_request_id,
        "context.stage": ctx.stage.name,
        "context.apiId": ctx.api.id,
        "context.httpMethod": ctx.request.method,
        "context.path": f"/{ctx.stage.name}{ctx.request.path}",
        "context.error.validationErrorString": str(ctx.facts.get("validation_errors", "")),
    }
    values.update({f"stageVariables.{k}": v for k, v in ctx.stage_variables.items()})
    values.update({f"method.request.header.{k}": v for k, v in ctx.request.headers.items()})
    values.update({f"method.request.querystring.{k}": v for k, v in ctx.request.query})
    return values


_EDGE_TRACED_NAMES = _replaced_names(True, True, True)  # REST, traced, edge: the fast path's names
