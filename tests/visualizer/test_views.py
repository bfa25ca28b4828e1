"""The visualizer page: full page vs htmx fragment, stepping through links, field errors, export, compare."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

URL = "/visualizer/"
BURST = URL + "?count=30&over=2&rate=5&burst=10"


def test_page_renders_the_pipeline_and_event_list(client):
    """§11: the default scenario shows the stages in pipeline order with a text event list."""
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="pipeline-svg"' in html and 'data-testid="event-list"' in html
    assert html.index('data-stage="endpoint"') < html.index('data-stage="routing"')


def test_page_htmx_trace_request_gets_only_the_fragment(client):
    """§11: an htmx step request is answered with the #trace partial, not a whole page."""
    response = client.get(URL + "?step=2", headers={"HX-Request": "true", "HX-Target": "trace"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="trace"' in html and 'data-step="2"' in html


def test_page_step_parameter_selects_the_current_step(client):
    """§11: ?step=N renders the page at step N, so a link reproduces the step."""
    html = client.get(URL + "?step=3").content.decode()
    assert 'data-step="3"' in html and 'id="trace-step-3"' in html


def test_page_step_beyond_the_trace_is_clamped(client):
    """§11: a step past the response shows the response step."""
    html = client.get(URL + "?step=50").content.decode()
    assert 'data-stage="response"' in html.split('data-testid="step-detail"', 1)[1][:200]


def test_page_invalid_builder_input_rerenders_with_field_errors(client):
    """§3.2: a non-numeric rate is a field error (400), never a 500."""
    response = client.get(URL + "?rate=fast&burst=-1")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="field-error-rate"' in html and 'data-testid="field-error-burst"' in html


def test_page_engine_refusal_is_shown_as_config_errors(client):
    """§4: a cache on an HTTP API is refused by the engine (REST only) and the page says so."""
    response = client.get(URL + "?api_type=HTTP&cache=on")
    assert response.status_code == 200
    assert 'data-testid="config-errors"' in response.content.decode()


def test_page_burst_draws_throttled_marks_on_the_timeline(client):
    """§3.1: 30 requests in 2 s against rate 5 / burst 10 leave throttled marks on the chart."""
    html = client.get(BURST).content.decode()
    assert 'data-testid="timeline-svg"' in html
    assert 'data-kind="throttled"' in html and 'data-kind="admitted"' in html


def test_page_burst_links_fold_the_send_into_the_url_state(client):
    """§3.1: after a burst the links carry s=<at>:<count>:<over> and the clock, so they replay it."""
    html = client.get(BURST).content.decode()
    assert "s=0%3A30%3A2" in html and "at=2" in html


def test_page_selected_request_opens_its_trace(client):
    """§3.2: ?req=K opens request K; a throttled one shows the throttle rejection."""
    html = client.get(URL + "?s=0:30:2&rate=5&burst=10&req=20&step=50").content.decode()
    assert "Request 21 of 30" in html
    assert "viz__badge--reject" in html and "THROTTLED" in html


def test_page_predict_mode_asks_before_revealing(client):
    """§11: predict mode hides the next outcome and offers guesses that link to the next step."""
    html = client.get(URL + "?predict=on&step=1").content.decode()
    assert 'data-testid="predict"' in html and 'data-testid="guess-pass"' in html


def test_page_predict_feedback_compares_guess_with_the_engine(client):
    """§11: after a guess the page says whether the engine decided the same."""
    html = client.get(URL + "?predict=on&step=2&guess=reject").content.decode()
    assert 'data-testid="predict-feedback"' in html and "Not quite" in html


def test_page_compare_api_type_shows_both_traces_and_costs(client):
    """§1.2: REST vs HTTP side by side with the monthly request charge of each."""
    html = client.get(URL + "?compare=api_type&volume=100").content.decode()
    assert 'data-testid="compare-a"' in html and 'data-testid="compare-b"' in html
    # 100 M requests: REST $350, HTTP $100, numbers grouped for the reader (issue 10)
    assert "<td>350.00</td>" in html and "<td>100.00</td>" in html and "<td>100,000,000</td>" in html
    assert "100000000" not in html


def test_export_returns_the_trace_json(client):
    """§11: export gives the trace_to_dict shape of the selected request."""
    response = client.get(URL + "export.json?step=2")
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["schema"] == 1 and data["steps"][0]["stage"] == "endpoint"


def test_export_invalid_input_is_a_400(client):
    """§5: export validates like the page."""
    assert client.get(URL + "export.json?rate=x").status_code == 400


def test_page_puts_the_trace_before_the_timeline_and_compare(client):
    """§11: a newcomer sees the request's pipeline first, then bursts, then compare."""
    html = client.get(URL + "?preset=fragile-backend").content.decode()
    assert html.index('data-testid="preset-picker"') < html.index('id="trace"')
    assert html.index('id="trace"') < html.index('id="timeline"') < html.index('id="compare"')


def test_page_builder_is_closed_until_opened(client):
    """§11: the full builder waits in a closed <details>; build=1 (kept in links) opens it."""
    closed = client.get(URL + "?preset=fragile-backend").content.decode()
    opened = client.get(URL + "?preset=fragile-backend&build=1").content.decode()
    assert 'data-testid="builder">' in closed and 'data-testid="builder" open>' in opened


def test_page_builder_opens_on_field_errors(client):
    """§3.2: invalid builder input re-renders with the builder open to show the errors."""
    html = client.get(URL + "?rate=fast").content.decode()
    assert 'data-testid="builder" open>' in html and 'data-testid="field-error-rate"' in html


def test_page_picker_groups_presets_by_lesson(client):
    """§11: the picker lists presets under their lesson (an <optgroup> per lesson)."""
    html = client.get(URL).content.decode()
    picker = html.split('data-testid="preset-select"', 1)[1].split("</select>", 1)[0]
    assert picker.count("<optgroup") >= 4 and 'value="fragile-backend"' in picker


def test_page_burst_form_keeps_the_scenario(client):
    """§3.1: the burst form carries the preset and builder overrides as hidden fields."""
    html = client.get(URL + "?preset=fragile-backend&rate=3").content.decode()
    form = html.split('data-testid="burst-form"', 1)[1].split("</form>", 1)[0]
    assert 'name="preset" value="fragile-backend"' in form and 'name="rate" value="3"' in form
    assert 'name="count"' in form


def test_page_lesson_links_show_section_titles(client):
    """§3.1: lesson links read "Lesson › Section" and point at /lessons/<slug>/#<anchor>."""
    from gateway_lab.lessons.models import Lesson, LessonSection

    lesson = Lesson.objects.create(slug="performance", language="en", title="Throttling and caching", body="")
    LessonSection.objects.create(
        lesson=lesson, position=1, anchor="throttling", heading="Throttling", text=""
    )
    html = client.get(URL + "?preset=fragile-backend").content.decode()
    assert (
        '<a href="/lessons/performance/#throttling" data-testid="preset-lesson">Throttling and caching › Throttling</a>'
        in html
    )


def test_page_step_partial_skips_the_timeline(client):
    """§11: a step request renders only #trace, not the burst chart."""
    response = client.get(URL + "?s=0:30:2&step=2", headers={"HX-Request": "true", "HX-Target": "trace"})
    html = response.content.decode()
    assert 'id="trace"' in html and 'data-testid="timeline-svg"' not in html
