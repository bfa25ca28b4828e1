"""REST vs HTTP monthly request cost (GATEWAY_FACTS.md §1.2)."""

from __future__ import annotations

from gateway_lab.visualizer.pricing import compare_costs, monthly_cost


def test_pricing_first_tier_saving_is_71_percent():
    """§1.2: $1.00 vs $3.50 per million at first-tier volume → 71.4 %."""
    comparison = compare_costs(requests=100_000_000)
    assert comparison.saving_percent == 71.4 and comparison.claim_holds


def test_pricing_saving_narrows_at_volume():
    """§1.2/§14.5: beyond the first tiers the gap narrows below 71 %."""
    comparison = compare_costs(requests=5_000_000_000)
    assert comparison.saving_percent < 65 and not comparison.claim_holds


def test_pricing_rest_tiers_are_marginal():
    """§1.2: 400 M REST calls = 333 M at $3.50 + 67 M at $2.80."""
    assert monthly_cost("REST", requests=400_000_000).usd == round(333 * 3.5 + 67 * 2.8, 2)


def test_pricing_http_meters_each_started_512_kb():
    """§1.2: a 513 KB HTTP API request is billed as two."""
    assert monthly_cost("HTTP", requests=1_000_000, request_kb=513).billable == 2_000_000
