"""Shared links with a place that no longer exists or a field that is not valid (issue 10, §11).

A step or request past the end is clamped and said; any other bad field answers 400 naming the
field and its error in the page's language, and the page below still shows what it can.
"""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict

from gateway_lab.visualizer.state import clamp_query

pytestmark = pytest.mark.django_db

URL = "/visualizer/"


def _step(html: str) -> int:
    return int(re.search(r'id="trace"[^>]*data-step="(\d+)"', html, re.S).group(1))


def _steps(html: str) -> int:
    return int(re.search(r'data-steps="(\d+)"', html).group(1))


def test_clamp_query_clamps_whole_numbers_into_the_form_range():
    """§11: step=99 and req=-4 become values the form accepts; other fields stay as sent."""
    query = clamp_query(QueryDict("step=99&req=-4&preset=nope&s=1:2:3"))
    assert query["step"] == "50" and query["req"] == "0"
    assert query["preset"] == "nope" and query.getlist("s") == ["1:2:3"]


def test_clamp_query_leaves_non_numbers_for_the_form_to_refuse():
    """§11: step=abc is not clamped (there is nothing to clamp): the form names it."""
    assert clamp_query(QueryDict("step=abc"))["step"] == "abc"


def test_step_past_the_end_opens_the_last_step_and_says_so(client):
    """§11: ?step=99 is a 200 at the request's last step with a note naming what was asked."""
    response = client.get(URL + "?preset=fragile-backend&step=99")
    html = response.content.decode()
    assert response.status_code == 200
    assert _step(html) == _steps(html)
    assert 'data-testid="clamped-step"' in html and "step 99" in html


def test_request_past_the_end_opens_the_last_request(client):
    """§11: ?req=5000 (beyond the form's range too) opens the last request of the run."""
    response = client.get(URL + "?preset=cache-hit-miss&req=5000")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Request 3 of 3" in html and 'data-testid="clamped-req"' in html


def test_step_zero_opens_the_first_step(client):
    """§11: ?step=0 (and negative steps) open step 1."""
    html = client.get(URL + "?preset=cache-hit-miss&step=-2").content.decode()
    assert _step(html) == 1 and 'data-testid="clamped-step"' in html


def test_unknown_preset_is_a_400_naming_the_field_and_still_shows_the_picker(client):
    """§11: ?preset=nope → 400 naming `preset`; the picker and the default scenario are still there."""
    response = client.get(URL + "?preset=nope&step=2")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="field-error-preset"' in html and "nope" in html
    assert 'data-testid="preset-picker"' in html
    assert 'id="trace"' in html and _step(html) == 2  # the rest of the link still applies


def test_non_numeric_step_is_a_400_naming_step_and_shows_the_preset(client):
    """§11: ?step=abc → 400 naming `step`; the preset itself still opens (on its key request)."""
    response = client.get(URL + "?preset=fragile-backend&step=abc")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="field-error-step"' in html and "Step" in html
    assert "Request 7 of 50" in html


def test_field_error_is_in_the_learners_language(client):
    """§11: the 400 page names the field and its error in zh-Hans for a Chinese learner."""
    response = client.get(URL + "?preset=nope", headers={"accept-language": "zh-hans"})
    html = response.content.decode()
    assert response.status_code == 400
    match = re.search(r'data-testid="field-error-preset">(.*?)</li>', html, re.S)
    assert match is not None
    text = match.group(1)
    assert "preset" in text and "Select a valid choice" not in text
    assert re.search(r"[\u4e00-\u9fff]", text)


def test_export_clamps_the_request_too(client):
    """§11: the export link of a clamped request exports the last request, not a 400."""
    response = client.get(URL + "export.json?preset=cache-hit-miss&req=5000")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('trace-3.json"')


def test_export_unknown_preset_is_a_400_with_the_field(client):
    """§11: the JSON export names the bad field."""
    response = client.get(URL + "export.json?preset=nope")
    assert response.status_code == 400 and "preset" in response.json()["errors"]


def test_a_second_burst_over_the_cap_is_said_not_silently_dropped(client):
    """§11: a send that would pass 1,000 requests on one page is dropped, and the page says so."""
    html = client.get(URL + "?preset=fragile-backend&s=0:900:1&count=200&over=1").content.decode()
    assert 'data-testid="dropped"' in html
    assert "200 requests were not sent" in html and "1,000" in html
    assert "Request 1 of 900" in html


def test_bad_preset_error_sits_by_the_picker_and_leaves_the_builder_closed(client):
    """§11: a bad ?preset= is a picker problem: the error is shown before the (closed) builder."""
    html = client.get(URL + "?preset=nope").content.decode()
    assert html.index('data-testid="field-error-preset"') < html.index('data-testid="builder"')
    assert re.search(r'<details class="viz__build" data-testid="builder">', html)
