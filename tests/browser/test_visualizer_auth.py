"""The builder's Authorization choice, as a learner uses it in Debian's Chromium."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ready(page) -> None:
    page.wait_for_selector("body[data-viz-ready=true]")


def test_visualizer_auth_iam_unsigned_is_403_then_signed_is_200(page):
    """§7.1: switching fragile-backend to IAM refuses the unsigned request; signing it lets it through."""
    page.goto("/visualizer/?preset=fragile-backend")
    _ready(page)
    page.locator("[data-testid=builder] > summary").click()
    page.get_by_label("Authorization", exact=True).select_option("iam")
    page.get_by_test_id("run").click()
    page.wait_for_url("**auth=iam*")
    _ready(page)
    assert "→ 403" in page.get_by_test_id("trace-status").inner_text()
    page.get_by_test_id("step-last").click()
    page.wait_for_selector("[data-testid=step-detail][data-stage=response]")
    page.get_by_test_id("event-list").get_by_role("link", name="MissingAuthenticationToken").click()
    page.wait_for_selector("[data-testid=step-detail][data-stage=auth][data-outcome=reject]")
    assert "Missing Authentication Token" in page.get_by_test_id("step-detail").inner_text()
    page.get_by_label("Sign with the lab IAM credentials (SigV4)").select_option("sign")
    page.get_by_test_id("run").click()
    page.wait_for_url("**sigv4=sign*")
    _ready(page)
    assert "→ 200" in page.get_by_test_id("trace-status").inner_text()
    assert page.watch.foreign_requests == [] and page.watch.console_errors == []
