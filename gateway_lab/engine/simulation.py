"""What a simulation is: its requests, its limits, its result (``Simulation``) and its summary.

Shared by ``simulate`` (REST and HTTP APIs, one pipeline) and ``websocket.session`` (WebSocket
sessions), so neither imports the other's module. Work is bounded by the ``MAX_*`` constants and
the budgets below; past a bound, ``ConfigError`` (a 400 naming the field) or ``SimulationTooLarge``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .messages import Client, Request
from .model import ConfigError
from .pipeline import Pipeline
from .trace import Outcome, StageName, Step, Trace, trace_to_dict

MAX_REQUESTS_PER_SIMULATION = 10_000
MAX_BODY_BYTES = 1_048_576
MAX_VIRTUAL_DURATION_MS = 7_200_000.0  # two hours: enough to watch a 3,600 s cache TTL expire
MAX_HEADER_BYTES = 10_240  # §5.1: total of a request's header values (names counted too, here)
MAX_REQUEST_BYTES_TOTAL = 16 * 1_048_576  # bodies and headers of every copy, summed
MAX_RESPONSE_BYTES_TOTAL = 64 * 1_048_576  # response bodies of the whole run, summed
DEFAULT_BUDGET_S = 10.0  # CPU seconds one simulation may take (its own thread's time)
DEFAULT_WALL_BUDGET_S = 60.0  # wall time, which also counts waits on HTTP backends and other threads


class SimulationTooLarge(ConfigError):
    """The simulation went past its time or size budget; nothing partial is returned."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestSpec:
    """One request, or ``count`` copies spread evenly over ``over_ms`` starting at ``start_ms``."""

    request: Request
    count: int = 1
    over_ms: float = 0.0
    start_ms: float = 0.0
    label: str = ""

    def times(self) -> list[float]:
        """Arrival times (ms from the simulation start) of every copy."""
        step = self.over_ms / self.count if self.count else 0.0
        return [self.start_ms + i * step for i in range(self.count)]

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, client: Client | None = None, where: str = "requests"
    ) -> RequestSpec:
        """Build a spec from JSON: method, path, query, headers, body, client, at_ms, count, over_ms, label."""
        try:
            client_data = data.get("client")
            body = data.get("body") or ""
            request = Request.build(
                str(data.get("method", "GET")),
                str(data.get("path", "/")),
                query=data.get("query"),
                headers=data.get("headers"),
                body=body if isinstance(body, str | bytes) else str(body),
                client=Client(**client_data) if client_data else client,
            )
            return cls(
                request=request,
                count=int(data.get("count", 1)),
                over_ms=float(data.get("over_ms", 0.0)),
                start_ms=float(data.get("at_ms", 0.0)),
                label=str(data.get("label", "")),
            )
        except (TypeError, ValueError, AttributeError) as exc:
            raise ConfigError([(where, f"invalid request: {exc}")]) from exc


@dataclass(frozen=True, slots=True, kw_only=True)
class Simulation:
    """Traces in time order, a per-request timeline for charts, counts, and what the lab stores hold after."""

    traces: tuple[Trace, ...]
    timeline: tuple[dict[str, Any], ...]
    summary: dict[str, Any]
    pipeline: Pipeline | None = field(repr=False)  # None for WebSocket sessions (one pipeline per event kind)
    # ``LabServices.snapshot()`` once the last request ran: the queue messages, stream records and
    # table items the run produced (taken once per simulation, so it costs the hot path nothing).
    services: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "traces": [trace_to_dict(t) for t in self.traces],
            "timeline": list(self.timeline),
            "summary": self.summary,
        }


def check_request_count(total: int, noun: str = "requests") -> None:
    """The one bound on how many requests (or WebSocket events) a simulation plays."""
    if total > MAX_REQUESTS_PER_SIMULATION:
        raise ConfigError(
            [("requests", f"at most {MAX_REQUESTS_PER_SIMULATION} {noun} per simulation; got {total}")]
        )


def too_large(why: str) -> SimulationTooLarge:
    return SimulationTooLarge(
        [("requests", f"The simulation is too large: {why}. Send fewer or smaller requests.")]
    )


def _request_bytes(request: Request) -> tuple[int, int]:
    """Return (header bytes, body + query + path bytes) of one copy."""
    headers = sum(len(name) + len(value) for name, value in request.headers.pairs)
    query = sum(len(name) + len(value) for name, value in request.query)
    return headers, len(request.body) + query + len(request.path)


def schedule(specs: list[RequestSpec]) -> list[tuple[float, RequestSpec]]:
    check_request_count(sum(max(0, s.count) for s in specs))
    errors = []
    sent = 0
    for i, spec in enumerate(specs):
        if spec.count < 1:
            errors.append((f"requests[{i}].count", "must be at least 1"))
        if len(spec.request.body) > MAX_BODY_BYTES:
            errors.append((f"requests[{i}].body", f"at most {MAX_BODY_BYTES} bytes"))
        header_bytes, other_bytes = _request_bytes(spec.request)
        if header_bytes > MAX_HEADER_BYTES:
            errors.append((f"requests[{i}].headers", f"at most {MAX_HEADER_BYTES} bytes of headers (§5.1)"))
        sent += (header_bytes + other_bytes) * max(0, spec.count)
        if spec.start_ms < 0 or spec.over_ms < 0 or spec.start_ms + spec.over_ms > MAX_VIRTUAL_DURATION_MS:
            errors.append((f"requests[{i}]", f"times must lie within 0–{MAX_VIRTUAL_DURATION_MS:.0f} ms"))
    if errors:
        raise ConfigError(errors)
    if sent > MAX_REQUEST_BYTES_TOTAL:
        raise too_large(
            f"its requests add up to {sent} bytes (bodies and headers × count), over {MAX_REQUEST_BYTES_TOTAL}"
        )
    timed = [(t, n, spec) for n, spec in enumerate(specs) for t in spec.times()]
    timed.sort(key=lambda item: (item[0], item[1]))
    return [(t, spec) for t, _, spec in timed]


def timeline_kind(trace: Trace) -> str:
    """Return how the timeline counts a request: throttled, cached, error, rejected or admitted.

    A 429 from the throttle stage or from a usage plan (per-key throttle or "Limit Exceeded" quota)
    is throttling (§3.2, §3.3); other refusals are ``rejected``; 5xx answers are ``error``.
    """
    return _kind(trace, trace.step(StageName.THROTTLE))


def _kind(trace: Trace, throttle: Step | None) -> str:
    # Ordered for the common case of a big burst: most requests end at the throttle stage.
    if throttle is not None and throttle.outcome == Outcome.REJECT:
        return "throttled"
    cache = trace.step(StageName.CACHE)
    if cache is not None and cache.outcome == Outcome.HIT:
        return "cached"
    status = trace.response.status
    if status >= 500:
        return "error"
    refusal = next((step for step in trace.steps if step.is_final), None)
    if refusal is None:
        return "admitted"
    return "throttled" if refusal.stage == StageName.API_KEY and status == 429 else "rejected"


def timeline_entry(index: int, t_ms: float, spec: RequestSpec, trace: Trace) -> dict[str, Any]:
    throttle = trace.step(StageName.THROTTLE)
    status = trace.response.status
    kind = _kind(trace, throttle)
    buckets = {
        layer["level"]: layer["tokens_after"]
        for layer in (throttle.detail.get("layers", ()) if throttle else ())
    }
    return {
        "index": index,
        "t_ms": round(t_ms, 3),
        "label": spec.label,
        "method": spec.request.method,
        "path": spec.request.path,
        "status": status,
        "kind": kind,
        "canary": bool(trace.meta.get("is_canary")),
        "latency_ms": round(trace.total_ms, 3),
        "buckets": buckets,
    }


def summarise(timeline: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the counts the summary shows: requests, kinds, statuses, canary share."""
    kinds = Counter(entry["kind"] for entry in timeline)
    statuses = Counter(str(entry["status"]) for entry in timeline)
    return {
        "requests": len(timeline),
        "kinds": dict(kinds),
        "statuses": dict(statuses),
        "canary": sum(1 for entry in timeline if entry["canary"]),
    }
