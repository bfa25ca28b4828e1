"""One term per concept in Chinese (issue 10): what the site shows uses the glossary's terms.

``content/glossary.yaml`` chooses 节流 for throttling and keeps 限流 only as a search alias; the lessons
are checked in tests/content. Here: every zh-Hans translation catalog and the presets' Chinese texts.
"""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(ROOT.glob("gateway_lab/**/locale/zh_Hans/LC_MESSAGES/django.po"))
PRESETS = sorted((ROOT / "gateway_lab" / "engine" / "presets").glob("*.json"))
AVOID = {"限流": "节流", "白名单": "允许列表"}


def _chinese_strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (_chinese_strings(v) if k != "en" else [])]
    if isinstance(value, list):
        return [s for v in value for s in _chinese_strings(v)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_terminology_catalogs_use_the_glossary_terms(catalog: Path) -> None:
    """Issue 10: no zh-Hans translation uses a term the glossary replaced (限流 → 节流, 白名单 → 允许列表)."""
    bad = [(e.msgid, word) for e in polib.pofile(str(catalog)) for word in AVOID if word in e.msgstr]
    assert not bad, bad


def test_terminology_presets_use_the_glossary_terms() -> None:
    """Issue 10: the presets' Chinese titles, descriptions and notices use the glossary's terms."""
    bad = [
        (path.name, word)
        for path in PRESETS
        for text in _chinese_strings(json.loads(path.read_text(encoding="utf-8")))
        for word in AVOID
        if word in text
    ]
    assert CATALOGS and PRESETS and not bad, bad
