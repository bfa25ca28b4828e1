"""Server-rendered SVG: the pipeline diagram and the burst timeline (pure functions, like python-chess's svg.py).

Both drawings carry meaning in shape and text, never colour alone: every stage node has an icon
and an outcome word; every timeline mark has a shape per kind and a ``<title>``. Colours come from
CSS classes (``static/css/visualizer.css``) so light and dark themes stay readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

NODE_W, NODE_H, GAP = 92, 74, 12
CHART_W, LANE_H, LEVEL_H, PAD_L, PAD_T = 700, 22, 90, 110, 8
SHAPES = {  # outcome → SVG path centred on (0, 0), radius ~11
    "pass": "M-11 0a11 11 0 1 0 22 0a11 11 0 1 0 -22 0z",
    "reject": "M-5 -12h10l7 7v10l-7 7h-10l-7 -7v-10z",
    "hit": "M0 -12l12 12l-12 12l-12 -12z",
    "miss": "M0 -12l12 12l-12 12l-12 -12z",
    "skip": "M-12 -8h24v16h-24z",
    "error": "M0 -12l13 23h-26z",
    "pending": "M-11 0a11 11 0 1 0 22 0a11 11 0 1 0 -22 0z",
    "unreached": "M-12 -8h24v16h-24z",
}
ICONS = {
    "pass": "✓",
    "reject": "✕",
    "hit": "★",
    "miss": "○",
    "skip": "–",
    "error": "!",
    "pending": "?",
    "unreached": "·",
}
MARKS = {  # timeline kind → shape around (0, 0), radius ~4
    "admitted": "M-4 0a4 4 0 1 0 8 0a4 4 0 1 0 -8 0z",
    "cached": "M-4 -4h8v8h-8z",
    "throttled": "M-4 -4l8 8M4 -4l-8 8",
    "rejected": "M-4 -4h8v8h-8zM-4 4l8 -8",
    "error": "M0 -5l5 9h-10z",
}
KIND_ORDER = ("admitted", "cached", "throttled", "rejected", "error")


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """One stage box of the pipeline diagram."""

    stage: str
    label: str
    outcome: str  # pass|reject|hit|miss|skip|error, or pending (not revealed) / unreached
    outcome_label: str
    state: str  # done | current | pending | unreached
    href: str | None  # link that opens this step (None when the request never reached it)


@dataclass(frozen=True, slots=True, kw_only=True)
class Mark:
    """One request on the timeline."""

    index: int
    t_ms: float
    kind: str  # admitted | cached | throttled | error
    title: str
    href: str
    level: float | None  # tokens left in the tightest bucket after this request
    selected: bool = False


def pipeline_svg(nodes: Sequence[Node], *, label: str) -> str:
    """Return the stages as an inline SVG row of linked boxes, in pipeline (and focus) order."""
    width = len(nodes) * (NODE_W + GAP) - GAP
    parts = [
        f'<svg class="pipeline" role="group" aria-label="{escape(label)}" viewBox="0 0 {width} {NODE_H + 4}" '
        f'xmlns="http://www.w3.org/2000/svg" data-testid="pipeline-svg">'
    ]
    for i, node in enumerate(nodes):
        parts.append(_node(node, x=i * (NODE_W + GAP)))
        if i < len(nodes) - 1:
            x = i * (NODE_W + GAP) + NODE_W
            parts.append(f'<path class="pipeline__arrow" d="M{x + 1} 30h{GAP - 3}" aria-hidden="true"/>')
    parts.append("</svg>")
    return "".join(parts)


def _node(node: Node, *, x: int) -> str:
    title = escape(f"{node.label}: {node.outcome_label}")
    body = (
        f'<rect class="pipeline__box" x="0" y="2" width="{NODE_W}" height="{NODE_H - 4}" rx="8"/>'
        f'<g transform="translate({NODE_W // 2} 24)"><path class="pipeline__shape" d="{SHAPES[node.outcome]}"/>'
        f'<text class="pipeline__icon" text-anchor="middle" dy="5">{ICONS[node.outcome]}</text></g>'
        f'<text class="pipeline__label" x="{NODE_W // 2}" y="51" text-anchor="middle">{escape(node.label)}</text>'
        f'<text class="pipeline__outcome" x="{NODE_W // 2}" y="65" text-anchor="middle">'
        f"{escape(node.outcome_label)}</text>"
    )
    classes = f"pipeline__node pipeline__node--{node.outcome} pipeline__node--{node.state}"
    group = f'<g class="{classes}" transform="translate({x} 0)" data-stage="{node.stage}"><title>{title}</title>{body}</g>'
    if node.href is None:
        return group
    current = ' aria-current="step"' if node.state == "current" else ""
    return (
        f'<a href="{escape(node.href)}" aria-label="{title}"{current} data-testid="pipeline-node-{node.stage}">'
        f"{group}</a>"
    )


def timeline_svg(
    marks: Sequence[Mark], *, duration_ms: float, labels: dict[str, str], level_max: float | None
) -> str:
    """Return the burst timeline: one lane per kind of response, plus the bucket level underneath."""
    span = max(duration_ms, 1.0)
    lanes_h = LANE_H * len(KIND_ORDER)
    height = PAD_T + lanes_h + (LEVEL_H + 16 if level_max else 0) + 20
    parts = [
        f'<svg class="timeline" viewBox="0 0 {PAD_L + CHART_W + 10} {height}" role="group" '
        f'aria-label="{escape(labels["chart"])}" xmlns="http://www.w3.org/2000/svg" data-testid="timeline-svg">'
    ]
    for lane, kind in enumerate(KIND_ORDER):
        y = PAD_T + lane * LANE_H + LANE_H // 2
        parts.append(
            f'<text class="timeline__lane" x="{PAD_L - 6}" y="{y + 4}" text-anchor="end">'
            f"{escape(labels[kind])}</text>"
            f'<path class="timeline__rule" d="M{PAD_L} {y}h{CHART_W}" aria-hidden="true"/>'
        )
    for mark in marks:
        parts.append(
            _mark(
                mark,
                x=PAD_L + mark.t_ms / span * CHART_W,
                y=PAD_T + KIND_ORDER.index(mark.kind) * LANE_H + LANE_H // 2,
            )
        )
    if level_max:
        parts.append(
            _levels(marks, span=span, top=PAD_T + lanes_h + 12, level_max=level_max, label=labels["level"])
        )
    axis_y = height - 6
    parts.append(
        f'<text class="timeline__axis" x="{PAD_L}" y="{axis_y}">0 s</text>'
        f'<text class="timeline__axis" x="{PAD_L + CHART_W}" y="{axis_y}" text-anchor="end">'
        f"{span / 1000:g} s</text></svg>"
    )
    return "".join(parts)


def _mark(mark: Mark, *, x: float, y: float) -> str:
    selected = " timeline__mark--selected" if mark.selected else ""
    return (
        f'<a href="{escape(mark.href)}" data-testid="timeline-mark" data-kind="{mark.kind}" data-index="{mark.index}">'
        f'<g class="timeline__mark timeline__mark--{mark.kind}{selected}" transform="translate({x:.1f} {y})">'
        f'<title>{escape(mark.title)}</title><path d="{MARKS[mark.kind]}"/></g></a>'
    )


def _levels(marks: Sequence[Mark], *, span: float, top: float, level_max: float, label: str) -> str:
    points = [
        (PAD_L + m.t_ms / span * CHART_W, top + LEVEL_H - (m.level / level_max) * LEVEL_H)
        for m in marks
        if m.level is not None
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return (
        f'<text class="timeline__lane" x="{PAD_L - 6}" y="{top + 10}" text-anchor="end">{escape(label)}</text>'
        f'<text class="timeline__axis" x="{PAD_L - 6}" y="{top + LEVEL_H}" text-anchor="end">0</text>'
        f'<text class="timeline__axis" x="{PAD_L - 6}" y="{top + 22}" text-anchor="end">{level_max:g}</text>'
        f'<path class="timeline__frame" d="M{PAD_L} {top}v{LEVEL_H}h{CHART_W}" aria-hidden="true"/>'
        f'<polyline class="timeline__level" points="{line}" aria-hidden="true"/>'
    )
