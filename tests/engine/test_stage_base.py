"""The step recorder and the per-method memo every stage builds on (§11)."""

from __future__ import annotations

from dataclasses import replace

from gateway_lab.engine.context import Context
from gateway_lab.engine.messages import Request
from gateway_lab.engine.stages.base import MethodMemo, record
from gateway_lab.engine.stages.routing import RoutingStage
from gateway_lab.engine.trace import Outcome, StageName, Step

from .builders import make_pipeline, rest_api


class _Ctx:
    arrival_ms, origin_ms, elapsed_ms = 1_000.0, 400.0, 5.0


def test_record_builds_the_same_step_as_the_dataclass() -> None:
    """§11: the fast recorder yields a Step equal to one built by Step(...), timed at ctx.t_ms."""
    step = record(
        _Ctx(),  # type: ignore[arg-type]
        StageName.THROTTLE,
        Outcome.REJECT,
        "t",
        "r",
        detail={"a": 1},
        duration_ms=0.1,
        fact="3.2",
        lesson="performance#throttling",
        fidelity="f",
    )
    expected = Step(
        stage=StageName.THROTTLE,
        outcome=Outcome.REJECT,
        title="t",
        reason="r",
        detail={"a": 1},
        t_ms=605.0,
        duration_ms=0.1,
        fact="3.2",
        lesson="performance#throttling",
        fidelity="f",
    )
    assert step == expected


def test_record_advances_the_request_clock() -> None:
    """§11: a step's duration moves the request's timeline on."""
    ctx = _Ctx()
    record(ctx, StageName.CACHE, Outcome.HIT, "t", "r", duration_ms=2.5)  # type: ignore[arg-type]
    assert ctx.elapsed_ms == 7.5


def _matched_context() -> Context:
    pipeline = make_pipeline(rest_api({"/pets": {"GET": {}}}))
    ctx = pipeline.start(Request.build("GET", "/pets"))
    RoutingStage().evaluate(ctx)
    return ctx


def test_method_memo_builds_once_per_method() -> None:
    """§4: settings derived from a deployed method are computed once, then reused."""
    ctx, built = _matched_context(), []
    memo = MethodMemo(lambda c: built.append(c) or len(built))
    assert [memo.get(ctx), memo.get(ctx)] == [1, 1]


def test_method_memo_rebuilds_for_another_stage_snapshot() -> None:
    """§8: a new stage snapshot (settings changed without redeploying) gets freshly derived values."""
    ctx = _matched_context()
    memo = MethodMemo(lambda c: c.stage)
    first = memo.get(ctx)
    ctx.stage = replace(ctx.stage, name="other")
    assert memo.get(ctx) is ctx.stage
    assert first is not ctx.stage
