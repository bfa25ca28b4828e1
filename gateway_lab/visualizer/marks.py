"""Turn the engine's timeline entries into timeline marks (one per simulated request)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .labels import KIND_LABELS
from .svg_timeline import Mark


def timeline_marks(
    points: Sequence[Mapping[str, Any]], *, selected: int | None, href_for: Callable[[int], str]
) -> list[Mark]:
    """Return one timeline mark per simulated request (``points``: the engine's timeline entries)."""
    labels = {kind: str(label) for kind, label in KIND_LABELS.items()}  # one gettext per kind, not per mark
    marks = []
    for i, point in enumerate(points):
        kind = point.get("kind", "admitted")
        kind = kind if kind in labels else "error"
        t_ms = float(point.get("t_ms", 0))
        marks.append(
            Mark(
                index=i,
                t_ms=t_ms,
                kind=kind,
                title=f"#{i + 1} · {t_ms:g} ms · {point.get('status', '')} · {labels[kind]}",
                href=href_for(i),
                level=tightest_level(point.get("buckets") or {}),
                selected=i == selected,
            )
        )
    return marks


def tightest_level(buckets: Mapping[str, float]) -> float | None:
    """Tokens left in the most drained bucket (the one that throttles first); the account's is shared by all."""
    values = [float(tokens) for level, tokens in buckets.items() if level != "account"]
    return min(values) if values else None
