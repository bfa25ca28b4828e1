"""The compare view: both sides revealed, every difference marked, numbers grouped, an honest cost verdict."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from gateway_lab.visualizer.compare_context import event_rows, stage_rows
from gateway_lab.visualizer.pricing import compare_costs, cost_verdict
from gateway_lab.visualizer.templatetags.viz_numbers import grouped_number

URL = "/visualizer/"


def test_event_rows_mark_fields_only_one_payload_format_has():
    """§6.1/§6.2: 1.0's multiValueHeaders and 2.0's rawPath are marked as one-sided, equal fields are not."""
    rows = {
        r["field"]: r
        for r in event_rows(
            {"path": "/a", "multiValueHeaders": {}, "isBase64Encoded": False, "headers": {"Host": "x"}},
            {"rawPath": "/a", "isBase64Encoded": False, "headers": {"host": "x"}},
        )
    }
    assert rows["multiValueHeaders"]["kind"] == "only_a" and rows["rawPath"]["kind"] == "only_b"
    assert rows["isBase64Encoded"]["kind"] == "same" and not rows["isBase64Encoded"]["differs"]
    assert rows["headers"]["kind"] == "changed"
    assert rows["headers.Host"]["kind"] == "only_a" and rows["headers.host"]["kind"] == "only_b"


def test_stage_rows_mark_stages_one_side_did_not_run():
    """§1.1: a stage only one side ran differs."""
    a = {"steps": [{"stage": "cache", "outcome": "hit", "title": ""}], "response": {"status": 200}}
    b = {"steps": [{"stage": "integration", "outcome": "pass", "title": ""}], "response": {"status": 200}}
    rows = {r["stage"]: r for r in stage_rows(a, b)}
    assert rows["cache"]["differs"] and rows["cache"]["b"] is None
    assert rows["integration"]["differs"] and rows["integration"]["a"] is None


def test_numbers_are_grouped_per_locale():
    """Issue 10: "100000000" and "350.0" read as 100,000,000 and 350 in both languages."""
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert grouped_number(100_000_000) == "100,000,000"
            assert grouped_number(350.0) == "350"
            assert grouped_number(1633.1, 2) == "1,633.10"


def test_cost_verdict_names_request_size_and_tier():
    """§1.2: 600 KB requests bill twice on HTTP, and 500 M REST calls reach the $2.80 tier."""
    costs = compare_costs(requests=500_000_000, request_kb=600)
    verdict = cost_verdict(costs, request_kb=600)
    assert verdict.metering_factor == 2 and verdict.rest_past_first_tier
    assert verdict.rest_usd_per_million < 3.5 and not verdict.claim_holds
    small = cost_verdict(compare_costs(requests=100_000_000, request_kb=1), request_kb=1)
    assert small.metering_factor == 1 and not small.rest_past_first_tier and small.claim_holds


@pytest.mark.django_db
def test_compare_rest_vs_http_reveals_both_sides_and_marks_payload_differences(client):
    """§6.1/§6.2: REST vs HTTP shows both full traces and the payload 1.0 vs 2.0 event fields that differ."""
    html = client.get(URL + "?preset=rest-vs-http&compare=preset").content.decode()
    a = re.search(r'data-testid="compare-a">(.*?)data-testid="compare-b"', html, re.S).group(1)
    assert "pipeline__node--pending" not in a and "next?" not in a  # the left side is revealed
    assert 'data-testid="compare-a-payload">payload 1.0' in html
    assert 'data-testid="compare-b-payload">payload 2.0' in html
    diff = re.search(r'data-testid="event-diff">(.*?)</table>', html, re.S).group(1)
    assert 'data-field="multiValueHeaders" data-kind="only_a"' in diff
    assert 'data-field="rawPath" data-kind="only_b"' in diff
    assert 'data-field="version" data-kind="only_b"' in diff
    assert "only right" in diff and "only left" in diff  # told in words too


@pytest.mark.django_db
def test_compare_costs_are_formatted_and_the_verdict_explains_size_and_tier(client):
    """§1.2: 500 M requests of 600 KB: grouped numbers, the 512 KB metering and the REST tier named."""
    html = client.get(URL + "?preset=rest-vs-http&compare=preset&volume=500&size_kb=600").content.decode()
    assert "500,000,000" in html and "1,000,000,000" in html and "1,633.10" in html
    assert 'data-testid="verdict-size"' in html and 'data-testid="verdict-tier"' in html
    assert "500000000" not in html


@pytest.mark.django_db
def test_compare_cache_switch_marks_the_cache_stage(client):
    """§4: cache on vs off differs at the Cache stage (hit/miss vs skip)."""
    html = client.get(URL + "?preset=cache-hit-miss&req=1&step=2&compare=cache").content.decode()
    row = re.search(r'<tr class="([^"]*)" data-stage="cache" data-differs="(\w+)"', html)
    assert row is not None and row.group(2) == "true" and "viz__diff--changed" in row.group(1)
