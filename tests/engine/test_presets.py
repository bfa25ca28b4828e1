"""Every issue-3 preset runs through ``simulate`` and shows what its notice promises (§2–§10)."""

from __future__ import annotations

import pytest

from gateway_lab.engine.presets import PresetNotFound, list_presets, load_preset, run_preset
from gateway_lab.engine.trace import trace_to_dict

ENGINE_PRESETS = [
    "fragile-backend", "burst-vs-steady", "cache-hit-miss", "cache-ttl-expiry", "cache-invalidation",
    "lambda-proxy-echo", "lambda-proxy-502", "slow-backend-504", "sqs-async-decoupling", "canary-10-percent",
    "edge-vs-regional", "rest-vs-http", "missing-route-403-vs-404", "mock-integration", "request-validation-400",
]  # fmt: skip
LESSON_ANCHORS = {
    "api-types#comparison", "api-types#pricing", "api-types#routes", "endpoint-types#edge-optimized",
    "endpoint-types#regional", "integrations#lambda-proxy", "integrations#proxy-response", "integrations#aws-service",
    "integrations#mock", "integrations#mapping-templates", "integrations#timeouts", "integrations#request-validation",
    "performance#throttling", "performance#token-bucket", "performance#caching", "performance#cache-invalidation",
    "deployments#canary", "deployments#stage-variables", "exam-tips#outdated-notes", "exam-tips#scenarios",
}  # fmt: skip


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


@pytest.mark.parametrize("name", ENGINE_PRESETS)
def test_preset_links_lessons_and_facts_in_two_languages(name: str) -> None:
    """Presets link existing lesson anchors and GATEWAY_FACTS sections, in en and zh-hans."""
    preset = load_preset(name)
    assert set(preset["lessons"]) <= LESSON_ANCHORS and preset["facts"]
    for field in ("title", "description", "notice"):
        assert preset[field]["en"] and preset[field]["zh-hans"]


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
