"""``trace_to_json`` is ``json.dumps(trace_to_dict(trace))``, byte for byte (issue 17: cheap trace serialisation)."""

from __future__ import annotations

import json
import pickle

import pytest

from gateway_lab.engine.clock import VirtualClock
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.engine.messages import Headers, Request, Response
from gateway_lab.engine.pipeline import build_pipeline
from gateway_lab.engine.presets import list_presets, run_preset
from gateway_lab.engine.state import MemoryStore
from gateway_lab.engine.trace import (
    Outcome,
    SharedDetail,
    StageName,
    Step,
    Trace,
    share_detail,
    trace_to_dict,
    trace_to_json,
)

from .snapshots import BENCH_API, BENCH_STAGE

PRESETS = [preset["name"] for preset in list_presets()]


@pytest.mark.parametrize("name", PRESETS)
def test_trace_json_is_json_dumps_of_trace_dict_for_every_preset(name: str) -> None:
    """§11: every preset's traces serialise to the very text json.dumps(trace_to_dict(t)) gives."""
    traces = [trace for _, simulation in run_preset(name) for trace in simulation.traces]
    assert traces
    for trace in traces:
        assert trace_to_json(trace) == json.dumps(trace_to_dict(trace))


def test_trace_json_matches_for_the_bench_requests_twice() -> None:
    """§4: cache misses then hits; serialising twice (fragments kept from the first) changes nothing."""
    clock = VirtualClock()
    runtime = IntegrationRuntime.default(clock=clock)
    pipeline = build_pipeline(
        api=BENCH_API, stage=BENCH_STAGE, clock=clock, store=MemoryStore(clock), runtime=runtime
    )
    start = clock.now_ms()
    traces = [pipeline.run(Request.build("GET", f"/pets/{i % 3}").at(start + i)) for i in range(8)]
    assert {trace.steps[-2].outcome for trace in traces} == {Outcome.PASS, Outcome.HIT}
    first = [trace_to_json(trace) for trace in traces]
    assert first == [json.dumps(trace_to_dict(trace)) for trace in traces]
    assert [trace_to_json(trace) for trace in traces] == first


def test_trace_json_unusual_values_match_json_dumps() -> None:
    """Non-ASCII text, a binary body, an integer time, NaN, nested tuples and a fidelity note."""
    step = Step(
        stage=StageName.AUTH,
        outcome=Outcome.REJECT,
        title="拒绝 → 403",
        reason='a "quoted" reason\nwith a newline',
        detail={"nested": ({"k": (1, 2.5, None)},), 3: True, "nan": float("nan")},
        t_ms=7,
        duration_ms=0.1234567,
        fact=None,
        lesson="security#x",
        fidelity="simplified here",
    )
    other = Step(stage="custom", outcome="pass", title="t", reason="r")  # type: ignore[arg-type]
    response = Response(
        status=403, headers=Headers([("A", "1"), ("a", "2"), ("B", "é")]), body=b"\xff\x00binary"
    )
    trace = Trace(
        steps=(step, other), response=response, request_id="r-1", meta={"is_canary": False, "t": 1.5}
    )
    assert trace_to_json(trace) == json.dumps(trace_to_dict(trace))
    assert trace_to_json(trace) == json.dumps(trace_to_dict(trace))  # from the kept fragments


def test_template_details_serialise_like_plain_dicts() -> None:
    """A template step's detail (SharedDetail) equals, copies and pickles as the plain dict it holds."""
    shared = share_detail({"endpoint_type": "EDGE", "rtt_ms": 12.5, "added_headers": ["via"]})
    assert isinstance(shared, SharedDetail)
    assert shared == {"endpoint_type": "EDGE", "rtt_ms": 12.5, "added_headers": ["via"]}
    assert json.dumps(shared) == json.dumps(dict(shared)) == shared.json
    assert pickle.loads(pickle.dumps(shared)) == shared
    assert share_detail({}) == {} and not isinstance(share_detail({}), SharedDetail)
    assert not isinstance(share_detail({"x": object()}), SharedDetail)  # not JSON data: left as it is
