"""Build the pipeline diagram's nodes from a trace's step views (reached stages and the ones a step cut off)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gateway_lab.engine import DEFAULT_STAGE_ORDER

from .labels import OUTCOME_LABELS, STAGE_LABELS
from .outcomes import STATUS_CLASSES, look, short_status_label
from .steps import StepView
from .svg import Node


def diagram_nodes(
    views: Sequence[StepView],
    current: int,
    href_for: Callable[[int], str],
    *,
    hide_skipped: bool = False,
    predict: bool = False,
) -> list[Node]:
    """Return diagram nodes: every step in the trace plus, in pipeline order, the stages it never reached.

    ``hide_skipped`` leaves out stages that did nothing for this request (``skip``), except the
    current one. ``predict`` draws only what is revealed plus the next stage as a question: later
    stages, and the stages a rejection will cut off, would give the answer away.
    """
    by_stage = {v.stage: v for v in views}
    last_index = max(DEFAULT_STAGE_ORDER.index(v.stage) for v in views if v.stage in DEFAULT_STAGE_ORDER)
    nodes = []
    for position, stage in enumerate(DEFAULT_STAGE_ORDER):
        view = by_stage.get(stage)
        if view is not None:
            if predict and view.number > current + 1:
                continue
            if hide_skipped and view.outcome == "skip" and view.number != current:
                continue
            nodes.append(_reached_node(view, current, href_for))
        elif (
            not predict
            and not hide_skipped
            and position < last_index
            and stage != "response"
            and _stage_was_cut(views, stage)
        ):
            nodes.append(_unreached_node(stage))
    return nodes


def _reached_node(view: StepView, current: int, href_for: Callable[[int], str]) -> Node:
    """Return the node of a step in the trace: done, current, or pending (its outcome still hidden)."""
    state = "done" if view.number < current else ("current" if view.number == current else "pending")
    outcome = view.outcome if state != "pending" else "pending"
    if outcome in STATUS_CLASSES:  # the Response stage, told by status class (see outcomes.py)
        label = short_status_label(view.outcome_label.partition(" ")[0], outcome)
    else:
        label = str(OUTCOME_LABELS.get(outcome, outcome))
    return Node(
        stage=view.stage,
        label=view.label,
        outcome=look(outcome),
        outcome_label=label,
        state=state,
        href=href_for(view.number),
    )


def _unreached_node(stage: str) -> Node:
    """Return the unlinked node of a stage an earlier step stopped the request before."""
    return Node(
        stage=stage,
        label=str(STAGE_LABELS[stage]),
        outcome="unreached",
        outcome_label=str(OUTCOME_LABELS["unreached"]),
        state="unreached",
        href=None,
    )


def _stage_was_cut(views: Sequence[StepView], stage: str) -> bool:
    """True when an earlier step ended the request before ``stage`` (so it was skipped, not missing)."""
    position = DEFAULT_STAGE_ORDER.index(stage)
    return any(
        v.outcome in ("reject", "error") and DEFAULT_STAGE_ORDER.index(v.stage) < position
        for v in views
        if v.stage in DEFAULT_STAGE_ORDER and v.stage != "response"
    )
