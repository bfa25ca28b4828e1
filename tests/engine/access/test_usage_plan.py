"""API keys and usage plans: plan lookup, per-method throttles and quota windows (GATEWAY_FACTS.md §3.2, §3.3)."""

from __future__ import annotations

from datetime import UTC, datetime

from gateway_lab.engine.access.usage_plan import (
    Limit,
    Quota,
    find_plan,
    load_usage_plan,
    masked,
    quota_window,
)

PLAN_JSON = {
    "id": "plan01",
    "name": "Basic",
    "apiStages": [
        {"apiId": "abc123", "stage": "prod", "throttle": {"/pets/GET": {"rateLimit": 1, "burstLimit": 2}}}
    ],
    "throttle": {"rateLimit": 5, "burstLimit": 10},
    "quota": {"limit": 500, "offset": 0, "period": "DAY"},
    "keys": ["key01"],
}


def _ms(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp() * 1000


def test_usage_plan_method_throttle_wins_over_plan_throttle() -> None:
    """§3.2: a per-method limit inside the plan applies before the plan-wide limit."""
    plan = load_usage_plan(PLAN_JSON)
    assert plan.limit_for("abc123", "prod", "/pets/GET") == ("method", Limit(rate=1.0, burst=2))
    assert plan.limit_for("abc123", "prod", "/pets/POST") == ("plan", Limit(rate=5.0, burst=10))


def test_find_plan_needs_key_and_api_stage() -> None:
    """§3.3: a key only counts for the API stages its plan lists."""
    plan = load_usage_plan(PLAN_JSON)
    assert find_plan([plan], key_id="key01", api_id="abc123", stage="prod") is plan
    assert find_plan([plan], key_id="key01", api_id="abc123", stage="dev") is None
    assert find_plan([plan], key_id="other", api_id="abc123", stage="prod") is None


def test_quota_window_day_is_utc_midnight_to_midnight() -> None:
    """§3.2: a DAY quota resets at midnight UTC."""
    start, end = quota_window(Quota(limit=5, period="DAY"), _ms(2026, 3, 4, 15, 30))
    assert (start, end) == (_ms(2026, 3, 4), _ms(2026, 3, 5))


def test_quota_window_week_offset_zero_starts_sunday() -> None:
    """§3.2: WEEK with offset 0 starts on Sunday (2026-03-01 is a Sunday)."""
    start, _ = quota_window(Quota(limit=5, period="WEEK", offset=0), _ms(2026, 3, 4, 12))
    assert start == _ms(2026, 3, 1)


def test_quota_window_week_offset_one_starts_monday() -> None:
    """§3.2: WEEK with offset 1 starts on Monday."""
    start, end = quota_window(Quota(limit=5, period="WEEK", offset=1), _ms(2026, 3, 1, 12))
    assert (start, end) == (_ms(2026, 2, 23), _ms(2026, 3, 2))


def test_quota_window_month_offset_moves_start_day() -> None:
    """§3.2: MONTH with offset 14 runs from the 15th to the 15th of the next month."""
    start, end = quota_window(Quota(limit=5, period="MONTH", offset=14), _ms(2026, 3, 4))
    assert (start, end) == (_ms(2026, 2, 15), _ms(2026, 3, 15))


def test_masked_shows_last_four_characters() -> None:
    """§3.3: execution logs show API keys as ****abcd."""
    assert masked("a1b2c3d4e5f6g7h8i9j0") == "****i9j0"
