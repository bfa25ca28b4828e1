"""Sends on the virtual clock: ``s=<at_s>:<count>:<over_s>`` in the URL, capped per page."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Send

MAX_BURST = 1_000  # requests one page may simulate (the REST API allows more)
MAX_OVER_S = 3_600
MAX_SENDS = 50  # sends one link may carry


def parse_sends(values: Sequence[str]) -> list[Send]:
    """Parse ``at:count:over`` sends, dropping malformed ones and capping the total work."""
    return parse_sends_counted(values)[0]


def parse_sends_counted(values: Sequence[str]) -> tuple[list[Send], int]:
    """Return the sends a page simulates and how many requests the caps dropped (said on the page).

    A send that would take the total past ``MAX_BURST`` requests, or beyond ``MAX_SENDS`` sends, is
    dropped whole; malformed sends are dropped too (they name no requests to count).
    """
    sends: list[Send] = []
    total = dropped = 0
    for value in values[MAX_SENDS:]:
        dropped += _count_of(value)
    for value in values[:MAX_SENDS]:
        try:
            at_s, count, over_s = (
                float(value.split(":")[0]),
                int(value.split(":")[1]),
                float(value.split(":")[2]),
            )
        except (ValueError, IndexError):
            continue
        if not (0 <= at_s <= MAX_OVER_S and count >= 1 and 0 <= over_s <= MAX_OVER_S):
            continue
        if total + count > MAX_BURST:
            dropped += count
            continue
        total += count
        sends.append((at_s, count, over_s))
    return sends, dropped


def _count_of(value: str) -> int:
    try:
        return max(0, int(value.split(":")[1]))
    except (ValueError, IndexError):
        return 0


def format_send(send: Send) -> str:
    return f"{send[0]:g}:{send[1]}:{send[2]:g}"
