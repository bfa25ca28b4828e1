"""/healthz stays fast while another process floods the simulate API and the WebSocket endpoint (issue 16).

A child process (``bench/healthz_under_load.py flood``) posts simulations from 4 threads (the
simulation rate limit off, so each one runs the engine) and opens, uses and closes WebSockets from
2 threads, for a bounded few seconds against one uvicorn process on 127.0.0.1. Meanwhile this test
asks ``/healthz`` every 50 ms: every answer must be 200 and the 95th percentile under 200 ms.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, AsgiServer

from .redis_servers import migrated_sqlite

sys.path.insert(0, str(ROOT / "bench"))
import healthz_under_load as bench  # noqa: E402

FLOOD_S = 8.0
P95_BOUND_MS = 200.0


@pytest.fixture
def server(tmp_path: Path) -> Iterator[AsgiServer]:
    asgi = AsgiServer(env={"DATABASE_URL": migrated_sqlite(tmp_path), "GATEWAY_LAB_SIMULATION_RATE": "off"})
    yield asgi
    asgi.stop()


def test_healthz_p95_under_200_ms_while_simulations_and_websockets_flood(server: AsgiServer) -> None:
    """Issue 16: /healthz p95 < 200 ms under a flood of simulations and WebSocket connections."""
    flood = bench.start_flood(server.url, FLOOD_S)
    try:
        time.sleep(0.5)  # the flood is under way
        samples = bench.healthz_latencies(server.url, seconds=FLOOD_S - 1.5)
        out, _ = flood.communicate(timeout=FLOOD_S + 60)
    finally:
        if flood.poll() is None:
            flood.kill()
    counts = json.loads(out.strip().splitlines()[-1])
    latencies = [ms for _, ms in samples]
    p95 = bench.percentile(latencies, 0.95)
    print(f"\nhealthz under load: {len(samples)} samples, p50 {sorted(latencies)[len(latencies) // 2]:.1f} ms, "
          f"p95 {p95:.1f} ms, max {max(latencies):.1f} ms; flood {counts}")  # fmt: skip
    # The flood was real: simulations answered 200 and WebSockets opened, closed, and answered.
    assert counts.get("simulations_200", 0) >= 20 and counts.get("websockets", 0) >= 20, counts
    assert {status for status, _ in samples} == {200}
    assert p95 < P95_BOUND_MS
