"""Detail-panel view data, read from the step detail the engine wrote."""

from __future__ import annotations

from gateway_lab.visualizer import panels


def test_panels_auth_lists_resource_policy_statements():
    """§7.5: the resource policy stage's evaluation becomes one statement table."""
    detail = {
        "effect": "Deny",
        "statements": [{"index": 0, "sid": "A", "effect": "Deny", "applies": True, "why": "x"}],
    }
    policies = panels.auth(detail)["policies"]
    assert (
        len(policies) == 1 and policies[0]["effect"] == "Deny" and policies[0]["rows"][0]["applies"] is True
    )


def test_panels_auth_sigv4_reports_a_mismatch():
    """§5.3: provided and computed signatures that differ are shown as a mismatch."""
    detail = {
        "canonical_request": "GET\n/",
        "string_to_sign": "AWS4",
        "signature_provided": "a",
        "signature_expected": "b",
    }
    assert panels.auth(detail)["sigv4"]["match"] is False


def test_panels_auth_spells_out_time_claims():
    """§7.4: exp/iat claims are shown with their UTC time."""
    claims = panels.auth({"claims": {"exp": 1767312000, "sub": "u"}})["claims"]
    assert ("exp", "1767312000", "2026-01-02 00:00:00 UTC") in claims and ("sub", "u", "") in claims


def test_panels_gauge_is_a_share_of_the_burst():
    """§3.1: a bucket with 5 of 10 tokens left is drawn half full."""
    assert panels.gauge({"burst": 10, "tokens_before": 6, "tokens_after": 5})["after_pct"] == 50.0
