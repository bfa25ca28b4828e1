"""Server-rendered SVG of the burst timeline: one lane per kind of response, plus the bucket level.

Each kind has its own mark shape and every slot a ``<title>``, so colour is never the only signal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

CHART_W, LANE_H, LEVEL_H, PAD_L, PAD_T = 700, 22, 90, 110, 8
MARKS = {  # timeline kind → (start offset from the mark's centre, relative path), radius ~4
    "admitted": ((-4, 0), "a4 4 0 1 0 8 0a4 4 0 1 0 -8 0z"),
    "cached": ((-4, -4), "h8v8h-8z"),
    "throttled": ((-4, -4), "l8 8m0 -8l-8 8"),
    "rejected": ((-4, -4), "h8v8h-8zm0 8l8 -8"),
    "error": ((0, -5), "l5 9h-10z"),
}
KIND_ORDER = ("admitted", "cached", "throttled", "rejected", "error")
SLOT_W = 6  # px of chart per clickable slot: marks closer than this share one link


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
    parts.extend(_lanes(marks, span=span))
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


def _xy(mark: Mark, span: float) -> tuple[float, int]:
    return PAD_L + mark.t_ms / span * CHART_W, PAD_T + KIND_ORDER.index(mark.kind) * LANE_H + LANE_H // 2


def _shape(kind: str, x: float, y: float) -> str:
    (dx, dy), rest = MARKS[kind]
    return f"M{x + dx:.1f} {y + dy}{rest}"


def _lanes(marks: Sequence[Mark], *, span: float) -> list[str]:
    """Draw each lane as one path, then one link per occupied slot (not 1,000 elements for 1,000 marks)."""
    shapes: dict[str, dict[float, str]] = {kind: {} for kind in KIND_ORDER}
    slots: dict[tuple[str, int], list[Mark]] = {}
    selected = None
    for mark in marks:
        x, y = _xy(mark, span)
        shapes[mark.kind].setdefault(round(x, 1), _shape(mark.kind, x, y))
        slots.setdefault((mark.kind, int((x - PAD_L) // SLOT_W)), []).append(mark)
        if mark.selected:
            selected = mark
    parts = [
        f'<path class="timeline__mark timeline__mark--{kind}" d="{"".join(drawn.values())}" aria-hidden="true"/>'
        for kind, drawn in shapes.items()
        if drawn
    ]
    if selected is not None:
        x, y = _xy(selected, span)
        parts.append(
            f'<path class="timeline__mark timeline__mark--{selected.kind} timeline__mark--selected" '
            f'd="{_shape(selected.kind, x, y)}" data-testid="timeline-selected" aria-hidden="true"/>'
        )
    parts.extend(_slot_link(group, span=span) for group in slots.values())
    return parts


def _slot_link(group: Sequence[Mark], *, span: float) -> str:
    first = group[0]
    x, y = _xy(first, span)
    left = PAD_L + ((x - PAD_L) // SLOT_W) * SLOT_W
    title = (
        first.title
        if len(group) == 1
        else f"#{first.index + 1}–#{group[-1].index + 1} ({len(group)}): {first.title}"
    )
    return (
        f'<a href="{escape(first.href)}" data-testid="timeline-mark" data-kind="{first.kind}" '
        f'data-index="{first.index}" data-count="{len(group)}" aria-label="{escape(title)}">'
        f'<rect class="timeline__hit" x="{left - 1:.1f}" y="{y - LANE_H // 2}" width="{SLOT_W + 2}" '
        f'height="{LANE_H}"><title>{escape(title)}</title></rect></a>'
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
