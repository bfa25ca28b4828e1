"""Does each of ``gateway_lab/engine/speedups.py``'s tricks still pay? One figure per trick, this machine.

Run: ``.venv/bin/python bench/speedups.py``. Each line compares the trick with the plain Python it
replaces (best of 5, process time, so neighbours' load counts less), and prints ``name: value unit``:

- ``fast_constructor_step_us`` / ``dataclass_step_us``: one ``Step`` (14 fields) built by the
  generated constructor / by the frozen dataclass's own ``__init__``; a cached request builds ~15
  such objects (steps, request copies, token bucket take, trace, response);
- ``uuid4_format_us`` / ``uuid_module_us``: a request id from 128 random bits / through ``uuid.UUID``;
- ``burst_10000_gc_paused_ms`` / ``burst_10000_gc_on_ms``: ``simulate`` of bench/engine.py's
  10,000-request burst with the cyclic GC paused (``speedups.pause_gc``) / left running.
"""

from __future__ import annotations

import gc
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import engine as engine_bench  # noqa: E402  (bench/engine.py)

from gateway_lab.engine import speedups  # noqa: E402
from gateway_lab.engine.trace import Outcome, StageName, Step  # noqa: E402


def _best_us(run: Callable[[], object], count: int) -> float:
    best = float("inf")
    for _ in range(5):
        began = time.process_time()
        for _ in range(count):
            run()
        best = min(best, (time.process_time() - began) / count)
    return best * 1e6


def _nothing() -> None:
    pass


def _burst_ms(*, paused: bool) -> float:
    pause, resume = speedups.pause_gc, speedups.resume_gc
    if not paused:  # simulate() calls speedups.pause_gc/resume_gc: the GC then stays on
        speedups.pause_gc = speedups.resume_gc = _nothing  # type: ignore[assignment]
    try:
        began = time.process_time()
        engine_bench.burst_ms()
        return (time.process_time() - began) * 1000.0
    finally:
        speedups.pause_gc, speedups.resume_gc = pause, resume  # type: ignore[assignment]


def main() -> None:
    make_step = speedups.fast_constructor(Step)
    fields = {
        "stage": StageName.AUTH, "outcome": Outcome.SKIP, "title": "t", "reason": "r", "detail": {},
        "t_ms": 1.0, "duration_ms": 0.0, "fact": "7", "lesson": "x", "fidelity": None, "title_msg": None,
        "reason_msg": None, "fidelity_msg": None, "detail_msgs": None,
    }  # fmt: skip
    values = tuple(fields.values())
    bits = 0x1234_5678_9ABC_DEF0_1234_5678_9ABC_DEF0
    engine_bench.burst_ms()  # warm up
    gc.collect()
    figures = [
        ("fast_constructor_step_us", _best_us(lambda: make_step(*values), 100_000), "us"),
        ("dataclass_step_us", _best_us(lambda: Step(**fields), 100_000), "us"),
        ("uuid4_format_us", _best_us(lambda: speedups.uuid4_from_bits(bits), 100_000), "us"),
        ("uuid_module_us", _best_us(lambda: str(uuid.UUID(int=bits, version=4)), 100_000), "us"),
        ("burst_10000_gc_paused_ms", min(_burst_ms(paused=True) for _ in range(3)), "ms"),
        ("burst_10000_gc_on_ms", min(_burst_ms(paused=False) for _ in range(3)), "ms"),
    ]
    for name, value, unit in figures:
        print(f"{name}: {value:.2f} {unit}")


if __name__ == "__main__":
    main()
