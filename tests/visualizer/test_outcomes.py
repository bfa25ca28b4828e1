"""Predict-then-reveal offers only what a stage can decide; Response is told by status class (issue 10)."""

from __future__ import annotations

import re

import pytest

from gateway_lab.engine.presets import list_presets, run_preset
from gateway_lab.engine.trace import trace_to_dict
from gateway_lab.visualizer.outcomes import STAGE_OUTCOMES, choices_for, status_class

from .engine_outcomes import engine_stage_outcomes

URL = "/visualizer/"
PRESETS = [p["name"] for p in list_presets()]


def test_stage_outcomes_are_ones_the_engine_source_can_record():
    """§11: no stage offers an outcome its engine modules never record (no hit/miss at Routing)."""
    possible = engine_stage_outcomes()
    for stage, offered in STAGE_OUTCOMES.items():
        if stage == "response":
            continue  # told by status class, checked below
        assert set(offered) <= possible[stage], stage


def test_stage_outcomes_cover_everything_the_engine_source_records():
    """§11: every outcome a stage module can record is offered, so the right answer is always there."""
    possible = engine_stage_outcomes()
    for stage, outcomes in possible.items():
        if stage == "response":
            continue
        assert outcomes <= set(STAGE_OUTCOMES[stage]), (stage, outcomes - set(STAGE_OUTCOMES[stage]))


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_step_outcome_is_offered_at_its_stage(name):
    """§11: walking every preset, each step's outcome (Response: its status class) is among the choices."""
    for _label, simulation in run_preset(name):
        for trace in simulation.traces:
            data = trace_to_dict(trace)
            for step in data["steps"]:
                if step["stage"] == "response":
                    assert status_class(data["response"]["status"]) in choices_for("response")
                else:
                    assert step["outcome"] in choices_for(step["stage"]), (step["stage"], step["outcome"])


def test_routing_offers_no_cache_outcomes_and_cache_offers_hit_and_miss():
    """§11/§4: hit and miss belong to the cache (and the authorizer cache), not to routing."""
    assert not {"hit", "miss"} & set(choices_for("routing"))
    assert {"hit", "miss", "skip"} <= set(choices_for("cache"))
    assert "hit" in choices_for("auth") and "miss" not in choices_for("auth")


@pytest.mark.parametrize(
    ("status", "klass"), [(200, "2xx"), (202, "2xx"), (301, "3xx"), (403, "4xx"), (429, "4xx"), (502, "5xx")]
)
def test_status_class(status, klass):
    """§5.2: a response is ok, a client error or a server error by its hundreds."""
    assert status_class(status) == klass


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("preset", "words"),
    [
        ("fragile-backend&req=6", "429 · 4xx client error"),
        ("authorizer-cache-trap&req=1", "403 · 4xx client error"),
        ("lambda-proxy-502&req=0", "502 · 5xx server error"),
        ("slow-backend-504&req=0", "504 · 5xx server error"),
    ],
)
def test_response_step_is_told_by_status_class_not_as_a_pass(client, preset, words):
    """§5.2: the Response stage of a 429/403/502/504 says client/server error in words, never "pass"."""
    html = client.get(URL + f"?preset={preset}&step=30").content.decode()
    detail = re.search(r'data-testid="step-detail"[^>]*data-stage="response" data-outcome="(\w+)"', html)
    assert detail is not None and detail.group(1) in ("4xx", "5xx")
    assert words in html
    node = re.search(r'<g class="pipeline__node pipeline__node--(\w+)[^"]*" [^>]*data-stage="response"', html)
    assert node is not None and node.group(1) in ("reject", "error")


@pytest.mark.django_db
def test_predict_offers_only_the_next_stages_outcomes(client):
    """§11: before Throttling the choices are pass/reject; before Cache they include hit and miss."""
    html = client.get(URL + "?preset=fragile-backend&req=6&predict=on&step=5").content.decode()
    assert re.findall(r'data-testid="guess-(\w+)"', html) == ["pass", "reject"]
    html = client.get(URL + "?preset=cache-hit-miss&req=1&predict=on&step=7").content.decode()
    assert set(re.findall(r'data-testid="guess-(\w+)"', html)) == set(STAGE_OUTCOMES["cache"])


@pytest.mark.django_db
def test_predict_at_the_response_offers_status_classes_and_grades_them(client):
    """§5.2: before the Response the learner predicts the status class; a right guess is confirmed."""
    html = client.get(URL + "?preset=fragile-backend&req=6&predict=on&step=6").content.decode()
    assert re.findall(r'data-testid="guess-(\w+)"', html) == ["2xx", "3xx", "4xx", "5xx"]
    html = client.get(URL + "?preset=fragile-backend&req=6&predict=on&step=7&guess=4xx").content.decode()
    assert "Right:" in html and "4xx client error" in html


@pytest.mark.django_db
def test_predict_hides_status_notice_later_steps_and_the_chart(client):
    """§11: before the reveal nothing tells the answer: no status, no notice, no later step, no chart."""
    html = client.get(URL + "?preset=fragile-backend&req=6&predict=on&step=5").content.decode()
    status = re.search(r'data-testid="trace-status">(.*?)</small>', html, re.S).group(1)
    assert "429" not in status and "→ ?" in status
    assert 'data-testid="notice-hidden"' in html and "Too Many Requests" not in html
    events = re.search(r'data-testid="event-list">(.*?)</ol>', html, re.S).group(1)
    assert events.count("<li") == 6  # five revealed steps and the question
    assert "Response" not in events
    assert 'data-testid="timeline-mark"' not in html and 'data-testid="answer-hidden"' in html
    assert 'data-stage="response"' not in html  # not even as a pending node


@pytest.mark.django_db
def test_predict_reveals_everything_at_the_response(client):
    """§11: at the last step the status, the notice and the chart come back."""
    html = client.get(URL + "?preset=fragile-backend&req=6&predict=on&step=7").content.decode()
    assert "→ 429" in html and 'data-testid="preset-notice"' in html
    assert 'data-testid="timeline-mark"' in html
