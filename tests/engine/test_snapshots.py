"""Snapshot and determinism checks: optimising the engine must not change a single trace (§11)."""

from __future__ import annotations

import pytest

from gateway_lab.engine.presets import list_presets, run_preset
from gateway_lab.engine.trace import trace_to_dict

from .snapshots import bench_traces, current, recorded

PRESETS = [preset["name"] for preset in list_presets()]


def test_snapshots_match_recorded_trace_digests() -> None:
    """§11: every preset's traces (and the bench requests) are byte-identical to the recorded ones.

    After an intended change, regenerate with ``.venv/bin/python -m tests.engine.snapshots``.
    """
    now, before = current(), recorded()
    # Presets added since the recording are covered by the replay test below until re-recorded.
    changed = sorted(name for name in now.keys() & before.keys() if now[name] != before[name])
    assert not changed, f"traces changed for {changed}"


@pytest.mark.parametrize("name", PRESETS)
def test_snapshots_preset_replays_identically(name: str) -> None:
    """§11: the same preset and seed give the same trace dicts on every run (virtual clock, seeded ids)."""
    first = [trace_to_dict(t) for _, sim in run_preset(name) for t in sim.traces]
    second = [trace_to_dict(t) for _, sim in run_preset(name) for t in sim.traces]
    assert first == second


def test_snapshots_bench_requests_replay_identically() -> None:
    """§4: the bench scenario (cache misses then hits) replays identically from a fresh pipeline."""
    assert bench_traces() == bench_traces()
