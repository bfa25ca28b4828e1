"""Endpoint stage (§2): edge-optimized CloudFront hop, regional, or private through a VPC endpoint."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .. import cloudfront, latency
from ..context import Context, GatewayError
from ..messages import Client, Headers
from ..model import Api, EndpointType
from ..text import Message, Text
from ..trace import Outcome, StageName, Step
from . import endpoint_mtls
from .base import record, stamp, template

LESSONS = {
    EndpointType.EDGE: "endpoint-types#edge-optimized",
    EndpointType.REGIONAL: "endpoint-types#regional",
    EndpointType.PRIVATE: "endpoint-types#private",
}

REGIONAL = Text("Regional endpoint")
REGIONAL_WHY = Text(
    "The client near {client_region} reaches the API in {api_region} directly: about {rtt} ms round trip."
)
EDGE = Text("Edge-optimized: through CloudFront")
EDGE_WHY = Text(
    "The client near {client_region} enters the nearest CloudFront POP, then AWS's backbone to {api_region}: "
    "about {rtt} ms round trip (a direct regional call would take about {direct} ms). "
    "CloudFront adds its headers and capitalises Authorization and User-Agent; other header names keep the client's casing."
)
PRIVATE_REFUSED = Text("Private API: not reachable from here")
PRIVATE_REFUSED_WHY = Text(
    "A private API is reachable only from a VPC through an interface VPC endpoint "
    "({service}); this client is not in one."
)
PRIVATE_REFUSED_FIDELITY = Text(
    "In AWS the private DNS name does not even resolve outside the VPC; the lab answers 403."
)
PRIVATE = Text("Private endpoint via VPC endpoint")
PRIVATE_WHY = Text(
    "The request comes from VPC {vpc_id} through interface endpoint {vpce_id}; "
    "the resource policy decides next which VPCs may call."
)


class EndpointStage:
    """The front door. What depends only on the API and the client (host, hop latency, CloudFront's
    client headers, the step's text) is worked out once per pair and kept on the instance (one per
    pipeline: no module-level cache shared between threads or pipelines)."""

    name = StageName.ENDPOINT

    def __init__(self) -> None:
        # id(api), id(client) → (api, client, plan); entries keep both alive, so ids are not reused.
        self._plans: dict[tuple[int, int], tuple[Api, Client, _Plan]] = {}

    def _plan(self, api: Api, client: Client) -> _Plan:
        key = (id(api), id(client))
        kept = self._plans.get(key)
        if kept is not None and kept[0] is api and kept[1] is client:
            return kept[2]
        if len(self._plans) > 256:  # a live gateway sees a new Client per request
            self._plans.clear()
        plan = _Plan(api, client)
        self._plans[key] = (api, client, plan)
        return plan

    def evaluate(self, ctx: Context) -> Step:
        api, request = ctx.api, ctx.request
        plan = self._plan(api, request.client)
        bare_id = ctx.request_id.replace("-", "")
        trace_id = f"Root=1-{int(ctx.arrival_ms // 1000):08x}-{bare_id[:24]}"
        facts = ctx.facts
        if request.headers.pairs or request.raw_path:
            _keep_client_view(ctx)
        facts["trace_id"] = trace_id
        if plan.mtls:
            refused = endpoint_mtls.check(ctx, plan.host)
            if refused is not None:
                return refused
        if plan.edge:
            return self._edge(ctx, plan, bare_id, trace_id)
        if plan.private:
            return self._private(ctx, plan.host, trace_id)
        ctx.request = request.with_headers(_forwarded(ctx, plan.host, trace_id))
        return stamp(ctx, plan.step)

    def _edge(self, ctx: Context, plan: _Plan, bare_id: str, trace_id: str) -> Step:
        request = ctx.request
        # cloudfront.request_headers(), from the client's part kept in the plan.
        request_id = ctx.request_id
        added = (
            *plan.head,
            ("Via", f"2.0 {bare_id}.cloudfront.net (CloudFront)"),  # cloudfront.via(request_id, "2.0")
            ("X-Amz-Cf-Id", cloudfront.cf_id(request_id)),
            ("X-Amzn-Trace-Id", trace_id),
            *plan.tail,
        )
        ctx.edge = True
        if not request.headers.pairs:  # nothing of the client's own to keep or capitalise
            ctx.request = request.with_headers(Headers.of_pairs(added, index=cloudfront.ADDED_INDEX))
            return stamp(ctx, plan.step)
        pairs, changed = cloudfront.capitalise(request.headers)
        dropped = cloudfront.ADDED_NAMES
        kept = [(k, v) for k, v in pairs if k.lower() not in dropped]
        index = None if kept else cloudfront.ADDED_INDEX
        ctx.request = request.with_headers(Headers.of_pairs((*kept, *added), index=index))
        if not changed:
            return stamp(ctx, plan.step)
        step = plan.step
        return record(
            ctx,
            self.name,
            Outcome.PASS,
            step.title_msg or step.title,
            step.reason_msg or step.reason,
            detail={**step.detail, "capitalised": changed},
            duration_ms=step.duration_ms,
            fact=step.fact,
            lesson=step.lesson,
            fidelity=step.fidelity_msg or step.fidelity,
        )

    def _private(self, ctx: Context, host: str, trace_id: str) -> Step:
        client = ctx.request.client
        if not client.vpce_id:
            ctx.error = GatewayError(
                response_type="ACCESS_DENIED",
                status=403,
                body=b'{"message":"Forbidden"}',
                log="Private API called from outside a VPC endpoint",
            )
            return record(
                ctx,
                self.name,
                Outcome.REJECT,
                PRIVATE_REFUSED(),
                PRIVATE_REFUSED_WHY(service="com.amazonaws.<region>.execute-api"),
                detail={"endpoint_type": "PRIVATE", "host": host, "vpce_id": None},
                fact="2",
                lesson=LESSONS[EndpointType.PRIVATE],
                fidelity=PRIVATE_REFUSED_FIDELITY(),
            )
        ctx.request = ctx.request.with_headers(_forwarded(ctx, host, trace_id))
        ctx.identity["vpceId"] = client.vpce_id
        ctx.identity["vpcId"] = client.vpc_id
        return record(
            ctx,
            self.name,
            Outcome.PASS,
            PRIVATE(),
            PRIVATE_WHY(vpc_id=str(client.vpc_id), vpce_id=str(client.vpce_id)),
            detail={
                "endpoint_type": "PRIVATE",
                "host": host,
                "vpc_id": client.vpc_id,
                "vpce_id": client.vpce_id,
            },
            duration_ms=latency.SAME_REGION_RTT_MS / 2,
            fact="2",
            lesson=LESSONS[EndpointType.PRIVATE],
            fidelity=latency.DISCLAIMER,
        )


_FORWARDED_NAMES = frozenset(
    {"host", "x-amzn-trace-id", "x-forwarded-for", "x-forwarded-port", "x-forwarded-proto"}
)


def _forwarded(ctx: Context, host: str, trace_id: str) -> Headers:
    """Add what the regional front door adds: Host, trace id and X-Forwarded-* headers."""
    client = ctx.request.client
    added = (
        ("Host", host),
        ("X-Amzn-Trace-Id", trace_id),
        ("X-Forwarded-For", str(client.source_ip)),
        ("X-Forwarded-Port", "443"),
        ("X-Forwarded-Proto", "https"),
    )
    kept = [(k, v) for k, v in ctx.request.headers.pairs if k.lower() not in _FORWARDED_NAMES]
    return Headers.of_pairs((*kept, *added))


def _keep_client_view(ctx: Context) -> None:
    """Note the Host and path the client used before the front door rewrites them (SigV4 signs those).

    A live front end serves the API under its own host and prefix (``/gw/<api>/<stage>/…``); the
    IAM stage verifies the signature against what the client really sent (§7.1).
    """
    request = ctx.request
    if request.headers.pairs:
        host = request.headers.get("Host")
        if host:
            ctx.facts["client_host"] = host
    if request.raw_path:
        ctx.facts["client_path"] = request.raw_path


@lru_cache(maxsize=64)
def _host(api_id: str, region: str) -> str:
    """The API's default execute-api host name."""
    return f"{api_id}.execute-api.{region}.amazonaws.com"


class _Plan:
    """What the endpoint decides from the API and the client alone (see ``EndpointStage``)."""

    __slots__ = ("edge", "head", "host", "mtls", "private", "step", "tail")

    def __init__(self, api: Api, client: Client) -> None:
        self.host = host = _host(api.id, api.region)
        self.mtls = endpoint_mtls.truststore(api.raw) is not None
        self.edge = api.endpoint_type == EndpointType.EDGE
        self.private = api.endpoint_type == EndpointType.PRIVATE
        self.head, self.tail = cloudfront.client_headers(client, host)
        if api.endpoint_type == EndpointType.EDGE:
            rtt, reason, detail = _edge_explanation(client.region, api.region, host)
            title: Message = EDGE()
            lesson = LESSONS[EndpointType.EDGE]
        else:  # REGIONAL (a PRIVATE API's step depends on the request: see _private)
            rtt = latency.internet_rtt_ms(client.region, api.region)
            title, lesson = REGIONAL(), LESSONS[EndpointType.REGIONAL]
            reason = REGIONAL_WHY(client_region=client.region, api_region=api.region, rtt=rtt)
            detail = {"endpoint_type": "REGIONAL", "host": host, "rtt_ms": rtt}
        self.step = template(
            StageName.ENDPOINT,
            Outcome.PASS,
            title,
            reason,
            detail=detail,
            duration_ms=rtt,
            fact="2",
            lesson=lesson,
            fidelity=latency.DISCLAIMER,
        )


def _edge_explanation(
    client_region: str, api_region: str, host: str
) -> tuple[float, Message, dict[str, Any]]:
    """Return (rtt, reason, detail) of the edge hop; the same for every request of a client Region."""
    rtt, direct = (
        latency.edge_rtt_ms(client_region, api_region),
        latency.internet_rtt_ms(client_region, api_region),
    )
    reason = EDGE_WHY(client_region=client_region, api_region=api_region, rtt=rtt, direct=direct)
    detail = {
        "endpoint_type": "EDGE",
        "host": host,
        "rtt_ms": rtt,
        "direct_rtt_ms": direct,
        "added_headers": sorted(cloudfront.ADDED_NAMES),
        "capitalised": [],
    }
    return rtt, reason, detail
