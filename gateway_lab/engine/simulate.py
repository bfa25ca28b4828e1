"""Virtual-time simulations: the helper every front end uses to replay "N requests over T seconds".

``simulate(api=..., stage=..., requests=[...])`` deploys the API JSON, runs every request on a
``VirtualClock`` in time order and returns the traces plus a timeline for charts. A WEBSOCKET API
plays a session instead: ``requests`` are connect/message/disconnect/post events
(``websocket.session``), and each timeline row also says the route selected and who received what. Work is bounded
(``MAX_*`` constants); beyond the bounds it raises ``ConfigError`` with the offending field.

Cost bounds (issue 16), so one anonymous simulation cannot hold a worker: the bytes sent (body and
headers × copies), the bytes answered (response bodies summed over the run), the CPU time
(``budget_s``) and the wall time (``wall_budget_s``), both checked between requests, are capped; past a cap the run stops with
``SimulationTooLarge`` (a ``ConfigError``: a 400 saying the simulation was too large). Front ends
that do not show every trace pass ``keep_traces`` (and ``observe``) so traces are not all held.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from . import speedups
from .clock import VIRTUAL_EPOCH_MS, VirtualClock
from .context import AccountSettings
from .integrations import IntegrationRuntime, Runtime
from .messages import Client
from .model import ApiType, ConfigError, Deployment
from .model_load import api_type_of, deploy
from .pipeline import build_pipeline
from .simulation import (
    DEFAULT_BUDGET_S,
    DEFAULT_WALL_BUDGET_S,
    MAX_RESPONSE_BYTES_TOTAL,
    RequestSpec,
    Simulation,
    SimulationTooLarge,
    schedule,
    summarise,
    timeline_entry,
    too_large,
)
from .state import MemoryStore
from .trace import Trace
from .websocket.session import simulate_session


def simulate(
    *,
    api: Mapping[str, Any],
    stage: Mapping[str, Any] | None = None,
    requests: Sequence[RequestSpec | Mapping[str, Any]],
    seed: int = 0,
    account: AccountSettings | None = None,
    client: Client | None = None,
    canary_api: Mapping[str, Any] | None = None,
    runtime: Runtime | None = None,
    keep_traces: int | None = None,
    observe: Callable[[int, Trace], None] | None = None,
    budget_s: float = DEFAULT_BUDGET_S,
    wall_budget_s: float = DEFAULT_WALL_BUDGET_S,
    http_allowlist: tuple[str, ...] = (),
    http_blocked_ports: tuple[int, ...] = (),
) -> Simulation:
    """Run ``requests`` against ``api`` at ``stage`` on a virtual clock; deterministic for a given seed.

    ``canary_api`` is the API JSON of the canary's deployment (its id is ``stage.canarySettings.deploymentId``).
    Without ``stage`` the API type's default stage runs: ``$default`` for HTTP APIs (§1.1), ``prod`` otherwise.
    ``keep_traces`` keeps only the first N traces (all by default; the timeline always covers every
    request); ``observe(index, trace)`` sees each trace as it is made. Past ``budget_s`` seconds of
    CPU, ``wall_budget_s`` seconds of wall time or ``MAX_RESPONSE_BYTES_TOTAL`` answered,
    ``SimulationTooLarge`` is raised.
    ``http_allowlist`` names the hosts HTTP integrations may call (none by default; ignored when
    ``runtime`` is given).
    """
    stage = stage or {}
    if api_type_of(api) == ApiType.WEBSOCKET:  # sessions, not lone requests (§9)
        events = [r for r in requests if isinstance(r, Mapping)]
        if len(events) != len(requests):
            raise ConfigError(
                [("requests", "a WebSocket session takes event objects (connect, message, ...)")]
            )
        return simulate_session(
            api=api, stage=stage, events=events, seed=seed, client=client, runtime=runtime
        )
    specs = [
        r if isinstance(r, RequestSpec) else RequestSpec.from_dict(r, client=client, where=f"requests[{i}]")
        for i, r in enumerate(requests)
    ]
    timed = schedule(specs)
    clock = VirtualClock(VIRTUAL_EPOCH_MS)
    if runtime is None:
        runtime = IntegrationRuntime.default(
            clock=clock, http_allowlist=tuple(http_allowlist), http_blocked_ports=tuple(http_blocked_ports)
        )
    extra: tuple[Deployment, ...] = ()
    if canary_api is not None:
        canary_id = str((stage.get("canarySettings") or {}).get("deploymentId") or "canary")
        extra = (deploy(canary_api, deployment_id=canary_id),)
    pipeline = build_pipeline(
        api=api,
        stage=stage,
        clock=clock,
        store=MemoryStore(clock),
        runtime=runtime,
        account=account,
        seed=seed,
        deployments=extra,
        origin_ms=VIRTUAL_EPOCH_MS,
    )
    traces: list[Trace] = []
    timeline: list[dict[str, Any]] = []
    keep = len(timed) if keep_traces is None else max(0, keep_traces)
    deadline, cpu_deadline = time.monotonic() + wall_budget_s, time.thread_time() + budget_s
    answered = 0
    # Traces are long-lived and acyclic: pausing the cyclic GC keeps it from rescanning them on
    # every allocation burst (a 10,000-request run is ~2x faster).
    speedups.pause_gc()  # measured in bench/speedups.py
    try:
        for index, (t_ms, spec) in enumerate(timed):
            if time.thread_time() > cpu_deadline:
                raise too_large(f"it used its {budget_s:g} s of CPU after {index} of {len(timed)} requests")
            if time.monotonic() > deadline:
                raise too_large(
                    f"it ran out of its {wall_budget_s:g} s budget after {index} of {len(timed)} requests"
                )
            clock.set(max(clock.now_ms(), VIRTUAL_EPOCH_MS + t_ms))
            trace = pipeline.run(spec.request.at(VIRTUAL_EPOCH_MS + t_ms))
            answered += len(trace.response.body)
            if answered > MAX_RESPONSE_BYTES_TOTAL:
                raise too_large(
                    f"its responses passed {MAX_RESPONSE_BYTES_TOTAL} bytes after {index + 1} of {len(timed)} requests"
                )
            if observe is not None:
                observe(index, trace)
            if len(traces) < keep:
                traces.append(trace)
            timeline.append(timeline_entry(index, t_ms, spec, trace))
    except SimulationTooLarge:
        traces.clear()
        timeline.clear()
        raise
    finally:
        speedups.resume_gc()
    return Simulation(
        traces=tuple(traces),
        timeline=tuple(timeline),
        summary=summarise(timeline),
        pipeline=pipeline,
        services=runtime.services.snapshot(),
    )
