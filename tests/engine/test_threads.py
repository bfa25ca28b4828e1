"""The engine is safe for threads: the live gateway runs pipelines in a thread pool (issue 11).

Module-level caches keyed by ``id()`` or shared mutable state would make a trace depend on what
another thread was doing at the same moment. These tests run the same work from several threads
at once, with a tiny switch interval so threads interleave inside stages, and compare every trace
byte for byte with a serial run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from gateway_lab.engine import (
    IntegrationRuntime,
    MemoryStore,
    Request,
    VirtualClock,
    build_pipeline,
    deploy,
    load_preset,
    trace_to_dict,
)
from gateway_lab.engine.presets import list_presets, run_preset

THREADS = 6
# REST and HTTP presets that exercise the shared parts: authorizer caches, SigV4, JWTs, usage
# plans, API keys, CloudFront headers on edge endpoints, the stage cache, canaries.
PRESETS = [p["name"] for p in list_presets() if p["name"] != "websocket-chat"]


@pytest.fixture(autouse=True)
def _interleave_often() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def _preset_json(name: str) -> str:
    return json.dumps(
        [trace_to_dict(t) for _, sim in run_preset(name) for t in sim.traces], sort_keys=True, default=str
    )


def test_threads_simulating_presets_at_once_give_the_serial_traces() -> None:
    """§11 determinism under threads: each preset's traces are the same in any thread, at any moment."""
    serial = {name: _preset_json(name) for name in PRESETS}
    orders = [PRESETS[i:] + PRESETS[:i] for i in range(0, len(PRESETS), max(1, len(PRESETS) // THREADS))]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(lambda order: {n: _preset_json(n) for n in order}, orders[:THREADS]))
    assert len(results) == min(THREADS, len(orders))
    for result in results:
        assert result == {name: serial[name] for name in result}


def _run_on(deployment: Any, stage: dict[str, Any], requests: list[Request]) -> str:
    clock = VirtualClock()
    pipeline = build_pipeline(
        api=deployment,
        stage=stage,
        clock=clock,
        store=MemoryStore(clock),
        runtime=IntegrationRuntime.default(clock=clock),
    )
    traces = []
    for index, request in enumerate(requests):
        clock.advance(10)
        traces.append(trace_to_dict(pipeline.run(request.at(clock.now_ms() + index))))
    return json.dumps(traces, sort_keys=True, default=str)


@pytest.mark.parametrize(
    "name", ["authorizer-cache-trap", "api-keys-saas", "iam-internal-service", "edge-vs-regional"]
)
def test_threads_sharing_one_deployment_give_the_serial_traces(name: str) -> None:
    """Caches that live on a deployment (access directory, authorizer setup) are safe to share."""
    data = load_preset(name)
    deployment = deploy(data["api"])
    requests = [
        Request.build(
            str(r.get("method", "GET")),
            str(r.get("path", "/")),
            headers=r.get("headers"),
            query=r.get("query"),
            body=str(r.get("body") or ""),
        )
        for r in data["requests"]
    ] * 3
    serial = _run_on(deployment, data["stage"], requests)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(lambda _: _run_on(deployment, data["stage"], requests), range(THREADS * 2)))
    assert all(result == serial for result in results)
