"""The stage protocol, the helper every stage uses to record its step, and a per-method memo."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, Protocol, TypeVar

from ..context import Context
from ..speedups import fast_constructor
from ..text import Message, fmt
from ..trace import Outcome, StageName, Step, share_detail

__all__ = ["MethodMemo", "Stage", "fmt", "record", "stamp", "step", "template"]

T = TypeVar("T")


class Stage(Protocol):
    """One pipeline stage: look at the context, maybe change it, and return the step it decided.

    A denial is data: set ``ctx.error`` (a ``GatewayError``) and return a ``reject``/``error`` step;
    the pipeline then skips to the response stage. A stage that answers by itself (a cache hit)
    sets ``ctx.response``. Stages never raise for gateway behaviour.
    """

    name: StageName

    def evaluate(self, ctx: Context) -> Step: ...


_make_step = fast_constructor(Step)  # Step(...) without frozen __setattr__ per field (see speedups)


def record(
    ctx: Context,
    stage: StageName,
    outcome: Outcome,
    title: str | Message,
    reason: str | Message,
    *,
    detail: Mapping[str, Any] | None = None,
    duration_ms: float = 0.0,
    fact: str | None = None,
    lesson: str | None = None,
    fidelity: str | Message | None = None,
    detail_msgs: Mapping[str, Message] | None = None,
) -> Step:
    """Return the step starting at the request's current time, and advance that time by ``duration_ms``.

    ``title``, ``reason`` and ``fidelity`` are ``engine.text`` messages (plain strings are still
    accepted); the step keeps both the English text and the message.
    """
    t_ms = ctx.arrival_ms - ctx.origin_ms + ctx.elapsed_ms  # ctx.t_ms, inlined
    ctx.elapsed_ms += duration_ms
    title_msg = reason_msg = fidelity_msg = None
    if title.__class__ is Message:
        title_msg, title = title, title._english or _render(title)
    if reason.__class__ is Message:
        reason_msg, reason = reason, reason._english or _render(reason)
    if fidelity is not None and fidelity.__class__ is Message:
        fidelity_msg, fidelity = fidelity, str(fidelity)
    return _make_step(
        stage,
        outcome,
        title,
        reason,
        {} if detail is None else detail,
        t_ms,
        duration_ms,
        fact,
        lesson,
        fidelity,
        title_msg,
        reason_msg,
        fidelity_msg,
        detail_msgs,
    )


def step(
    ctx: Context,
    stage: StageName,
    outcome: Outcome,
    title: Message,
    reason: Message,
    detail: Mapping[str, Any],
    duration_ms: float,
    fact: str,
    lesson: str,
) -> Step:
    """``record`` for a stage's hot path: title and reason are messages, no fidelity note, and the
    arguments positional (keyword arguments cost more than the step's own bookkeeping)."""
    t_ms = ctx.arrival_ms - ctx.origin_ms + ctx.elapsed_ms  # ctx.t_ms, inlined
    ctx.elapsed_ms += duration_ms
    return _make_step(
        stage,
        outcome,
        title._english or _render(title),
        reason._english or _render(reason),
        detail,
        t_ms,
        duration_ms,
        fact,
        lesson,
        None,
        title,
        reason,
        None,
        None,
    )


def template(
    stage: StageName,
    outcome: Outcome,
    title: str | Message,
    reason: str | Message,
    **fields: Any,
) -> Step:
    """Return a step to ``stamp`` on requests later: the same decision, recorded once (its ``t_ms`` is 0).

    For what a stage decides from the API, stage and method alone (a skip, a fixed hop): building
    the step once and stamping it per request costs a fraction of ``record``.
    """
    started = Context.__new__(Context)
    started.arrival_ms = started.origin_ms = started.elapsed_ms = 0.0
    if fields.get("detail"):  # every stamp carries this one detail: trace_to_json encodes it once
        fields["detail"] = share_detail(fields["detail"])
    return record(started, stage, outcome, title, reason, **fields)


def stamp(ctx: Context, step: Step) -> Step:
    """Return ``step`` (from ``template``) at the request's current time, and advance it by its duration."""
    t_ms = ctx.arrival_ms - ctx.origin_ms + ctx.elapsed_ms  # ctx.t_ms, inlined
    ctx.elapsed_ms += step.duration_ms
    return _make_step(
        step.stage,
        step.outcome,
        step.title,
        step.reason,
        step.detail,
        t_ms,
        step.duration_ms,
        step.fact,
        step.lesson,
        step.fidelity,
        step.title_msg,
        step.reason_msg,
        step.fidelity_msg,
        step.detail_msgs,
    )


def _render(message: Message) -> str:
    """Render a message's English once: a cached message (a route, an edge hop) is reused per request."""
    english = message._english = message.text.english(message.params)
    return english


class MethodMemo(Generic[T]):
    """Values derived once per matched method instead of once per request.

    Methods, deployments, stages and account settings are frozen snapshots, so what derives from
    them and the request's method (cache settings, throttle buckets, key templates) cannot change.
    Entries are keyed by object identity and checked with ``is``: an id may be reused once a
    snapshot is gone.
    """

    __slots__ = ("_build", "_data")

    def __init__(self, build: Callable[[Context], T]) -> None:
        self._build = build
        self._data: dict[tuple[int, str], tuple[object, object, object, object, T]] = {}

    def get(self, ctx: Context) -> T:
        """Return the memoised value for ``ctx``'s matched method, building it on first use."""
        method = ctx.match.method if ctx.match is not None else None
        key = (id(method), ctx.request.method)
        hit = self._data.get(key)
        if (
            hit is not None
            and hit[0] is method
            and hit[1] is ctx.stage
            and hit[2] is ctx.deployment
            and hit[3] is ctx.account
        ):
            return hit[4]
        if len(self._data) > 512:  # edited and redeployed APIs leave old snapshots behind
            self._data.clear()
        value = self._build(ctx)
        self._data[key] = (method, ctx.stage, ctx.deployment, ctx.account, value)
        return value
