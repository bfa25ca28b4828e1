"""WebSocket APIs in ``simulate``: a session script in, a ``Simulation`` out (§9).

``simulate`` sends every WEBSOCKET API here, so each front end (visualizer, REST API, tests) shows
the same thing: per event (connect, message, disconnect, a backend's post) its trace, the route it
selected and who received what. The event format is ``scenario``'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..integrations.types import Runtime
from ..messages import Client
from ..model import ConfigError
from ..simulation import (
    MAX_VIRTUAL_DURATION_MS,
    Simulation,
    check_request_count,
    summarise,
    timeline_kind,
)
from .scenario import SessionEvent, run_events

EVENTS = ("connect", "message", "disconnect", "post")


def simulate_session(
    *,
    api: Mapping[str, Any],
    stage: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    seed: int = 0,
    client: Client | None = None,
    runtime: Runtime | None = None,
) -> Simulation:
    """Play ``events`` on a virtual clock; return their traces and a timeline of who got what."""
    _check(events)
    # run_events plays in time order (a stable sort); sorting here first pairs each spec with its result.
    ordered = sorted(events, key=lambda spec: float(spec.get("at_ms", 0)))
    played = run_events(api=api, stage=stage, events=ordered, seed=seed, client=client, runtime=runtime)
    timeline = [_entry(n, spec, event) for n, (spec, event) in enumerate(zip(ordered, played, strict=True))]
    return Simulation(
        traces=tuple(event.trace for event in played),
        timeline=tuple(timeline),
        summary=summarise(timeline),
        pipeline=None,
    )


def _check(events: Sequence[Mapping[str, Any]]) -> None:
    check_request_count(len(events), "events")
    errors = []
    for i, spec in enumerate(events):
        if not isinstance(spec, Mapping):
            errors.append((f"requests[{i}]", "must be a JSON object"))
            continue
        if str(spec.get("event", "message")) not in EVENTS:
            errors.append((f"requests[{i}].event", f"must be one of {', '.join(EVENTS)}"))
        if spec.get("event") == "post" and not spec.get("to"):
            errors.append((f"requests[{i}].to", "a post names the client it pushes to"))
        try:
            at_ms = float(spec.get("at_ms", 0))
        except (TypeError, ValueError):
            at_ms = -1.0
        if not 0 <= at_ms <= MAX_VIRTUAL_DURATION_MS:
            errors.append((f"requests[{i}].at_ms", f"must lie within 0–{MAX_VIRTUAL_DURATION_MS:.0f} ms"))
    if errors:
        raise ConfigError(errors)


def _entry(index: int, spec: Mapping[str, Any], event: SessionEvent) -> dict[str, Any]:
    """One timeline row: the request fields every front end reads, plus the session's own."""
    trace = event.trace
    return {
        "index": index,
        "t_ms": round(event.t_ms, 3),
        "label": str(spec.get("label", "")),
        "method": event.event.upper(),
        "path": f"@connections/{spec['to']}" if event.event == "post" else "/",
        "status": event.status,
        "kind": timeline_kind(trace),
        "canary": False,
        "latency_ms": round(trace.total_ms, 3),
        "buckets": {},
        "client": event.client,
        "event": event.event,
        "connection_id": trace.meta.get("connection_id"),
        "route_key": trace.meta.get("route_key"),
        "reply": event.reply,
        "deliveries": [dict(d) for d in event.deliveries],
    }
