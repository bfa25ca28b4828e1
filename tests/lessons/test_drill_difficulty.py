"""Drills carry a difficulty (issue 15): ``difficulty:`` in content/drills/*.yaml, ``medium`` when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway_lab.lessons import content
from gateway_lab.lessons.models import Drill, GlossaryTerm
from gateway_lab.lessons.services import lesson_sync_from_files

pytestmark = pytest.mark.django_db


def test_sync_stores_the_difficulty_and_defaults_to_medium(loaded):
    """A drill's ``difficulty: hard`` is kept; a drill without the key is ``medium``."""
    assert dict(Drill.objects.values_list("drill_id", "difficulty")) == {
        "alpha-fragile": "medium",
        "alpha-rest-only": "hard",
    }


def test_unknown_difficulty_is_a_content_error_naming_the_drill(db, content_root: Path):
    """A typo such as ``difficulty: extreme`` is reported with the file and drill, not stored."""
    path = content_root / "drills/alpha.yaml"
    path.write_text(path.read_text().replace("difficulty: hard", "difficulty: extreme"))
    report = lesson_sync_from_files(root=content_root)
    assert any("alpha.yaml" in error and "difficulty" in error for error in report.errors)
    assert not Drill.objects.filter(difficulty="extreme").exists()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"zh-hans": ["使用计划"], "en": "usage-plan"}, {"zh-hans": ["使用计划"], "en": ["usage-plan"]}),
        (["使用计划", " "], {"*": ["使用计划"]}),
        (None, {}),
    ],
)
def test_glossary_aliases_accept_a_mapping_or_a_list(raw, expected):
    """Aliases may be given per language or as one list; blanks are dropped."""
    assert content.glossary_aliases({"key": "usage-plan", "aliases": raw}) == expected


def test_sync_stores_glossary_aliases(loaded):
    """The glossary's ``aliases`` reach the database, where search reads them."""
    term = GlossaryTerm.objects.get(key="throttling")
    assert term.aliases == {"en": ["rate limiting"], "zh-hans": ["请求节制"]}
