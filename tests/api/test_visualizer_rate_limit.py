"""The visualizer's simulation pages are rate-limited per client too (issue 16): 429 with Retry-After."""

from __future__ import annotations

import pytest

from gateway_lab.api import ratelimit


@pytest.fixture
def three_per_minute(settings):
    settings.GATEWAY_LAB = {**settings.GATEWAY_LAB, "RATE_LIMITS": {"visualizer": "3/min"}}
    ratelimit.reset()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/visualizer/", "/visualizer/export.json"])
def test_visualizer_runs_are_rate_limited_issue16(client, three_per_minute, url):
    """Issue 16: past the per-client rate a visualizer run answers 429 with Retry-After, in the page's language."""
    statuses = [client.get(url, {"preset": "mock-integration"}).status_code for _ in range(3)]
    assert 429 not in statuses
    refused = client.get(url, {"preset": "mock-integration"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "秒后重试" in refused.content.decode()
    other = client.get(url, {"preset": "mock-integration"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code != 429
