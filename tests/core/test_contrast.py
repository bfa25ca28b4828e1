"""The palette meets WCAG 2.1 AA contrast (4.5:1 for body text) in the light and the dark theme."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "site.css").read_text()

# (text, background) pairs the stylesheets actually put together.
PAIRS = [
    ("--fg", "--bg"),
    ("--fg", "--bg-soft"),
    ("--fg", "--bg-raised"),
    ("--fg-muted", "--bg"),
    ("--fg-muted", "--bg-soft"),
    ("--fg-muted", "--bg-raised"),
    ("--accent", "--bg"),
    ("--accent", "--bg-raised"),
    ("--accent-fg", "--accent"),
    ("--fg", "--accent-soft"),
    ("--ok", "--ok-soft"),
    ("--bad", "--bad-soft"),
    ("--warn", "--warn-soft"),
    ("--info", "--info-soft"),
    ("--fg", "--ok-soft"),
    ("--fg", "--bad-soft"),
    ("--fg", "--warn-soft"),
    ("--fg", "--info-soft"),
    ("--ok", "--bg"),
    ("--bad", "--bg"),
    ("--warn", "--bg"),
]


def _palette(block_selector: str) -> dict[str, str]:
    block = re.search(re.escape(block_selector) + r"\s*\{(.*?)\}", CSS, re.S)
    assert block, block_selector
    return dict(re.findall(r"(--[a-z-]+):\s*(#[0-9a-fA-F]{6})", block.group(1)))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _ratio(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", [":root", ':root[data-theme="dark"]'])
@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_text_colours_meet_wcag_aa(theme, text, background):
    palette = _palette(theme)
    ratio = _ratio(palette[text], palette[background])
    assert ratio >= 4.5, f"{theme} {text} on {background}: {ratio:.2f}:1"


def test_dark_theme_matches_the_system_dark_palette():
    """The toggle's dark theme and the system-following dark theme are the same colours."""
    assert _palette(':root[data-theme="dark"]') == _palette(':root[data-theme="auto"]')
