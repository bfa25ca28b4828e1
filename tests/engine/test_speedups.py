"""The engine's speed tricks (engine/speedups.py) change nothing but the time (§11, issue 11)."""

from __future__ import annotations

import gc
import random
import threading
import uuid
from dataclasses import dataclass, field, fields

import pytest

from gateway_lab.engine.context import RouteMatch
from gateway_lab.engine.messages import Headers, Request, Response
from gateway_lab.engine.model import Method
from gateway_lab.engine.speedups import fast_constructor, gc_paused, pause_gc, resume_gc, uuid4_from_bits
from gateway_lab.engine.token_bucket import Take
from gateway_lab.engine.trace import Outcome, StageName, Step, Trace

STEP = {
    "stage": StageName.CACHE, "outcome": Outcome.HIT, "title": "t", "reason": "r", "detail": {"k": 1},
    "t_ms": 1.5, "duration_ms": 0.5, "fact": "4", "lesson": "performance#caching", "fidelity": None,
}  # fmt: skip
EXAMPLES = [
    (Step, STEP),
    (Trace, {"steps": (), "response": Response(status=200), "request_id": "r", "meta": {"a": 1}}),
    (Response, {"status": 201, "headers": Headers({"A": "1"}), "body": b"x"}),
    (RouteMatch, {"method": Method(http_method="GET"), "resource_id": "r", "resource_path": "/", "route_key": ""}),
    (Take, {"admitted": True, "tokens_before": 2.0, "tokens_after": 1.0, "state": (1.0, 5.0)}),
    (Request, {"method": "POST", "path": "/p", "time_ms": 3.0}),
]  # fmt: skip


@pytest.mark.parametrize(("cls", "values"), EXAMPLES, ids=lambda v: getattr(v, "__name__", ""))
def test_fast_constructor_equals_the_dataclass_constructor(cls: type, values: dict) -> None:  # type: ignore[type-arg]
    """§11: same fields, same values, same defaults as cls(**values)."""
    fast, slow = fast_constructor(cls)(**values), cls(**values)
    assert type(fast) is cls
    assert [getattr(fast, f.name) for f in fields(cls)] == [getattr(slow, f.name) for f in fields(cls)]


def test_fast_constructor_takes_fields_positionally_in_order() -> None:
    """§11: the hot path passes a Step's fields by position, in declaration order."""
    assert fast_constructor(Step)(*STEP.values()) == Step(**STEP)


def test_fast_constructor_calls_default_factories_per_object() -> None:
    """§11: a default_factory gives each object its own value, as the dataclass does."""
    make = fast_constructor(RouteMatch)
    method = Method(http_method="GET")
    first = make(method=method, resource_id="r", resource_path="/", route_key="")
    second = make(method=method, resource_id="r", resource_path="/", route_key="")
    assert first.path_parameters == {} and first.path_parameters is not second.path_parameters


def test_fast_constructor_keeps_objects_frozen() -> None:
    """§11: objects built fast are as immutable as any other."""
    step = fast_constructor(Step)(**STEP)
    with pytest.raises(AttributeError):
        step.title = "changed"  # type: ignore[misc]


def test_fast_constructor_refuses_classes_with_post_init() -> None:
    """§11: __post_init__ would be skipped, so such classes are refused."""

    @dataclass(frozen=True, slots=True)
    class Checked:
        value: int = field(default=0)

        def __post_init__(self) -> None:
            pass

    with pytest.raises(TypeError):
        fast_constructor(Checked)


def test_uuid4_from_bits_formats_like_the_uuid_module() -> None:
    """§6.1: REST request ids are version-4 UUIDs; the formatting matches uuid.UUID for any bits."""
    rng = random.Random(17)
    for bits in (0, (1 << 128) - 1, *(rng.getrandbits(128) for _ in range(500))):
        assert uuid4_from_bits(bits) == str(uuid.UUID(int=bits, version=4))


def test_gc_pauses_nest_and_restore_the_collector() -> None:
    """Issue 11: the GC stays paused while any caller holds a pause, and comes back on after the last."""
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        pause_gc()
        resume_gc()
        assert not gc.isenabled()  # an inner pause ending does not end the outer one
    assert gc.isenabled()


def test_gc_pauses_from_several_threads_leave_the_collector_on() -> None:
    """Issue 11: simulations in parallel threads: the GC is back on once every one has finished."""
    barrier = threading.Barrier(6)
    seen: list[bool] = []

    def run() -> None:
        with gc_paused():
            barrier.wait(timeout=10)
            seen.append(gc.isenabled())
            barrier.wait(timeout=10)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert seen == [False] * 6
    assert gc.isenabled()


def test_gc_left_off_by_the_caller_stays_off() -> None:
    """A caller that turned the GC off itself keeps it off after a pause ends."""
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
