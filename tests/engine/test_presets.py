"""Every issue-3 preset runs through ``simulate`` and shows what its notice promises (§2–§10)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway_lab.engine.presets import PresetNotFound, list_presets, load_preset, run_preset
from gateway_lab.engine.trace import trace_to_dict

ENGINE_PRESETS = [
    "fragile-backend", "burst-vs-steady", "cache-hit-miss", "cache-ttl-expiry", "cache-invalidation",
    "lambda-proxy-echo", "lambda-proxy-502", "slow-backend-504", "sqs-async-decoupling", "canary-10-percent",
    "edge-vs-regional", "rest-vs-http", "missing-route-403-vs-404", "mock-integration", "request-validation-400",
]  # fmt: skip
PRESETS = [preset["name"] for preset in list_presets()]
REPO = Path(__file__).resolve().parents[2]
from tests.shared_files import FACTS_FILE  # noqa: E402

_ANCHOR = re.compile(r"^#{2,6} .*\{#([a-z0-9-]+)\}\s*$", re.MULTILINE)
_SECTION = re.compile(r"^#{2,3} (\d+(?:\.\d+)?)[. ]", re.MULTILINE)


def _lesson_anchors() -> set[str]:
    """Every ``slug#anchor`` the English lessons define (``## Title {#anchor}``)."""
    anchors = set()
    for path in (REPO / "content" / "lessons" / "en").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        slug = re.search(r"^slug: *(\S+)", text, re.MULTILINE).group(1)  # type: ignore[union-attr]
        anchors.update(f"{slug}#{anchor}" for anchor in _ANCHOR.findall(text))
    return anchors


def _fact_sections() -> set[str]:
    return set(_SECTION.findall(FACTS_FILE.read_text(encoding="utf-8")))


def _check(expect: dict, runs: list) -> None:  # type: ignore[type-arg]
    (_, main), *rest = runs
    statuses = [entry["status"] for entry in main.timeline]
    kinds = main.summary["kinds"]
    if "statuses" in expect:
        assert (
            set(statuses) == set(expect["statuses"])
            if len(expect["statuses"]) == 1
            else statuses == expect["statuses"]
        )
    if "compare_statuses" in expect:
        assert [entry["status"] for entry in rest[0][1].timeline] == expect["compare_statuses"]
    for kind, minimum in expect.get("kinds_min", {}).items():
        assert kinds.get(kind, 0) >= minimum, kinds
    for kind, exact in expect.get("kinds_exact", {}).items():
        assert kinds.get(kind, 0) == exact, kinds
    for label, allowed in expect.get("label_statuses", {}).items():
        assert {e["status"] for e in main.timeline if e["label"] == label} == set(allowed)
    for index, stage, outcome in expect.get("outcomes", []):
        assert main.traces[index].step(stage).outcome == outcome
    if "canary_between" in expect:
        low, high = expect["canary_between"]
        assert low <= main.summary["canary"] <= high
    if expect.get("faster") == "main":
        assert main.traces[0].total_ms < rest[0][1].traces[0].total_ms


@pytest.mark.parametrize("name", ENGINE_PRESETS)
def test_preset_shows_its_documented_expectation(name: str) -> None:
    """Each preset's `expect` block (mirroring its notice) holds when simulated."""
    preset = load_preset(name)
    _check(preset["expect"], run_preset(name))


@pytest.mark.parametrize("name", PRESETS)
def test_preset_texts_come_in_english_and_chinese(name: str) -> None:
    """§14: every preset's title, description and notice exist in en and zh-hans."""
    preset = load_preset(name)
    for field in ("title", "description", "notice"):
        assert isinstance(preset[field], dict), field
        assert preset[field]["en"].strip() and preset[field]["zh-hans"].strip(), field


@pytest.mark.parametrize("name", PRESETS)
def test_preset_lessons_exist_in_the_course(name: str) -> None:
    """§11: a preset's lesson anchors (main and list) are headings in content/lessons/en."""
    preset = load_preset(name)
    assert {preset["lesson"], *preset["lessons"]} <= _lesson_anchors()


@pytest.mark.parametrize("name", PRESETS)
def test_preset_facts_are_sections_of_the_fact_sheet(name: str) -> None:
    """§0: a preset cites GATEWAY_FACTS.md sections that exist."""
    facts = load_preset(name)["facts"]
    assert facts and set(facts) <= _fact_sections()


@pytest.mark.parametrize("name", PRESETS)
def test_preset_trace_steps_link_existing_lessons(name: str) -> None:
    """§11: every step a preset's traces show links a lesson section that exists."""
    anchors = _lesson_anchors()
    linked = {step.lesson for _, sim in run_preset(name) for trace in sim.traces for step in trace.steps}
    assert linked - {None} <= anchors


@pytest.mark.parametrize("name", ["canary-10-percent", "cache-ttl-expiry"])
def test_preset_replays_identically(name: str) -> None:
    """Determinism: a preset gives the same trace dicts on every run."""
    first = [trace_to_dict(t) for _, sim in run_preset(name) for t in sim.traces]
    second = [trace_to_dict(t) for _, sim in run_preset(name) for t in sim.traces]
    assert first == second


def test_preset_list_includes_every_engine_preset() -> None:
    """list_presets() exposes every issue-3 preset name."""
    assert set(ENGINE_PRESETS) <= {p["name"] for p in list_presets()}


def test_preset_unknown_name_raises() -> None:
    """Unknown names raise PresetNotFound (no path traversal either)."""
    with pytest.raises(PresetNotFound):
        load_preset("../settings")
