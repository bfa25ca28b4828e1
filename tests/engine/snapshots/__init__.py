"""Trace snapshots: digests of every preset's traces, pinned so engine optimisations change nothing.

Regenerate after an intended behaviour change with ``.venv/bin/python -m tests.engine.snapshots``
and say in the commit which traces changed and why.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

from gateway_lab.engine.clock import VirtualClock
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.engine.messages import Request
from gateway_lab.engine.pipeline import build_pipeline
from gateway_lab.engine.presets import list_presets, run_preset
from gateway_lab.engine.state import MemoryStore
from gateway_lab.engine.trace import trace_to_dict

DIGESTS = Path(__file__).resolve().parent / "digests.json"
BENCH_SCRIPT = Path(__file__).resolve().parents[3] / "bench" / "engine.py"


def _bench_module() -> ModuleType:
    """``bench/engine.py``, loaded by path: the bench's own scenario is the one pinned here (no copy)."""
    spec = importlib.util.spec_from_file_location("bench_engine", BENCH_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_BENCH = _bench_module()
# bench/engine.py's main scenario: REST, stage cache on, Lambda proxy echo, cache key on the path.
BENCH_API: dict[str, Any] = _BENCH.API
BENCH_STAGE: dict[str, Any] = _BENCH.CACHED_STAGE


def digest(data: Any) -> str:
    """Return the sha256 of ``data`` as canonical JSON."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def bench_traces() -> list[dict[str, Any]]:
    """Trace dicts of a few bench-style requests (misses, then hits) through one pipeline."""
    clock = VirtualClock()
    runtime = IntegrationRuntime.default(clock=clock)
    pipeline = build_pipeline(
        api=BENCH_API, stage=BENCH_STAGE, clock=clock, store=MemoryStore(clock), runtime=runtime
    )
    start = clock.now_ms()
    return [
        trace_to_dict(pipeline.run(Request.build("GET", f"/pets/{i % 3}").at(start + i))) for i in range(8)
    ]


def current() -> dict[str, dict[str, Any]]:
    """Return ``{run: {"traces": n, "sha256": ...}}`` for every preset run and the bench requests."""
    runs: dict[str, Any] = {}
    for preset in list_presets():
        for label, simulation in run_preset(preset["name"]):
            data = simulation.to_dict()
            runs[f"{preset['name']}:{label}"] = {"traces": len(data["traces"]), "sha256": digest(data)}
    traces = bench_traces()
    runs["bench"] = {"traces": len(traces), "sha256": digest(traces)}
    return runs


def recorded() -> dict[str, dict[str, Any]]:
    return json.loads(DIGESTS.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def record() -> None:
    """Write the current digests (``python -m tests.engine.snapshots`` runs this)."""
    DIGESTS.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {DIGESTS}")
