"""Server-rendered SVG: the pipeline diagram here, the burst timeline in ``svg_timeline`` (re-exported).

Pure functions, like python-chess's svg.py.

Both drawings carry meaning in shape and text, never colour alone: every stage node has an icon
and an outcome word; every timeline mark has a shape per kind and a ``<title>``. Colours come from
CSS classes (``static/css/visualizer.css``) so light and dark themes stay readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from .svg_timeline import Mark, timeline_svg

__all__ = ["Mark", "Node", "pipeline_svg", "timeline_svg"]

NODE_W, NODE_H, GAP = 92, 74, 12
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """One stage box of the pipeline diagram."""

    stage: str
    label: str
    outcome: str  # pass|reject|hit|miss|skip|error, or pending (not revealed) / unreached
    outcome_label: str
    state: str  # done | current | pending | unreached
    href: str | None  # link that opens this step (None when the request never reached it)


def pipeline_svg(nodes: Sequence[Node], *, label: str, per_row: int | None = None) -> str:
    """Return the stages as an inline SVG of linked boxes in pipeline (and focus) order, ``per_row`` a row."""
    per_row = min(per_row or len(nodes), len(nodes)) or 1
    rows = -(-len(nodes) // per_row)
    width, height = per_row * (NODE_W + GAP) - GAP, rows * (NODE_H + GAP) - GAP + 4
    variant = "" if per_row == len(nodes) else " pipeline--rows"
    parts = [
        f'<svg class="pipeline{variant}" role="group" aria-label="{escape(label)}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" data-testid="pipeline-svg{variant and "-rows"}">'
    ]
    for i, node in enumerate(nodes):
        x, y = (i % per_row) * (NODE_W + GAP), (i // per_row) * (NODE_H + GAP)
        parts.append(_node(node, x=x, y=y))
        if i < len(nodes) - 1 and (i + 1) % per_row:
            parts.append(
                f'<path class="pipeline__arrow" d="M{x + NODE_W + 1} {y + 30}h{GAP - 3}" aria-hidden="true"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _node(node: Node, *, x: int, y: int = 0) -> str:
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
    group = f'<g class="{classes}" transform="translate({x} {y})" data-stage="{node.stage}"><title>{title}</title>{body}</g>'
    if node.href is None:
        return group
    current = ' aria-current="step"' if node.state == "current" else ""
    return (
        f'<a href="{escape(node.href)}" aria-label="{title}"{current} data-testid="pipeline-node-{node.stage}">'
        f"{group}</a>"
    )
