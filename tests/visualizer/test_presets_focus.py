"""Each preset opens on its key request: the first 429, the authorizer-cache trap… (issue 10)."""

from __future__ import annotations

import re

import pytest

from gateway_lab.engine.presets import key_request, list_presets, load_preset, run_preset
from gateway_lab.engine.stages import DEFAULT_STAGE_ORDER
from gateway_lab.engine.trace import trace_to_dict

PRESETS = [p["name"] for p in list_presets()]
URL = "/visualizer/"


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_key_request_exists(name):
    """§11: a declared focus names a request of the preset and a stage that request runs (not skipped);
    a preset without one opens on a request that exists (the first non-2xx)."""
    preset = load_preset(name)
    simulation = run_preset(name)[0][1]
    focus = preset.get("focus")
    if focus is not None:
        assert isinstance(focus, dict) and set(focus) == {"request", "stage"}
        assert focus["stage"] in DEFAULT_STAGE_ORDER
        assert 0 <= focus["request"] < len(simulation.traces)
        trace = trace_to_dict(simulation.traces[focus["request"]])
        step = next((s for s in trace["steps"] if s["stage"] == focus["stage"]), None)
        assert step is not None and step["outcome"] != "skip"
    index, _stage = key_request(preset, [t.response.status for t in simulation.traces])
    assert 0 <= index < len(simulation.traces)
    if focus is not None:
        assert (index, _stage) == (focus["request"], focus["stage"])


def test_the_course_presets_declare_their_key_request():
    """§11: the presets the lessons link to say where their lesson is rather than relying on the fallback."""
    course = [
        "fragile-backend",
        "authorizer-cache-trap",
        "cache-hit-miss",
        "rest-vs-http",
        "lambda-proxy-502",
    ]
    assert all(load_preset(name).get("focus") for name in course)


def test_key_request_falls_back_to_the_first_non_2xx():
    """§11: without a declared focus the first error response is the key request."""
    assert key_request({}, [200, 200, 429, 200]) == (2, None)
    assert key_request({}, [200, 201]) == (0, None)
    assert key_request({"focus": {"request": 9, "stage": "cache"}}, [200, 403]) == (1, None)
    assert key_request({"focus": {"request": 0, "stage": "cache"}}, [200, 403]) == (0, "cache")


def test_fragile_backend_key_request_is_the_first_429():
    """§3.1: the throttling lesson is the first request the bucket refuses."""
    simulation = run_preset("fragile-backend")[0][1]
    statuses = [t.response.status for t in simulation.traces]
    assert key_request(load_preset("fragile-backend"), statuses)[0] == statuses.index(429)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "title", "stage", "status"),
    [
        ("fragile-backend", "Request 7 of 50", "throttle", "429"),
        ("authorizer-cache-trap", "Request 2 of 4", "auth", "403"),
        ("cache-hit-miss", "Request 2 of 3", "cache", "200"),
    ],
)
def test_preset_opens_on_its_key_request_at_the_key_stage(client, name, title, stage, status):
    """§3.1/§7.3/§4: a bare ?preset= link opens the request and stage the preset is about."""
    html = client.get(URL + f"?preset={name}").content.decode()
    assert title in html
    assert re.search(rf'data-testid="step-detail" data-stage="{stage}"', html)
    assert f"→ {status}" in html
    assert re.search(r'href="[^"]*req=\d[^"]*" data-testid="permalink"', html)  # links carry the request on


@pytest.mark.django_db
def test_a_shared_step_link_keeps_meaning_the_first_request(client):
    """§11: ?preset=…&step=3 (an older shared link) still opens request 1 at step 3."""
    html = client.get(URL + "?preset=fragile-backend&step=3").content.decode()
    assert "Request 1 of 50" in html and 'data-step="3"' in html
