"""Issue 10: the visualizer in zh-Hans shows no English sentence, at any step of any preset.

Every preset is opened in Chinese (``Accept-Language: zh-hans``), every request of it, every step
(``?preset=<name>&req=<r>&step=<n>``, the shared-link query ``state.py`` reads); the visible text
(code, preformatted JSON and scripts left out) must hold no run of three English words beyond
AWS's verbatim error strings (``i18n_english.ALLOWED``). The English page still shows the
engine's English text, and numbers follow the locale.
"""

from __future__ import annotations

import re

import pytest

from gateway_lab.engine.presets import list_presets

from .i18n_english import english_runs, ensure_visualizer_catalog_compiled, visible_text

pytestmark = pytest.mark.django_db

URL = "/visualizer/"
PRESETS = [preset["name"] for preset in list_presets()]
MAX_REQUESTS = 60  # a burst preset's later requests repeat the same steps


@pytest.fixture(autouse=True, scope="module")
def _catalog() -> None:
    ensure_visualizer_catalog_compiled()


@pytest.fixture(autouse=True)
def _no_rate_limit(settings) -> None:
    """This walk renders hundreds of pages from one client; the per-client limit is not under test."""
    settings.GATEWAY_LAB = {**settings.GATEWAY_LAB, "RATE_LIMITS": {"visualizer": "off"}}


def _zh(client, query: str) -> str:
    response = client.get(URL + query, headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 200, (query, response.status_code)
    return response.content.decode()


def _reason(html: str) -> str:
    match = re.search(r'data-testid="step-reason">(.*?)</p>', html, re.S)
    assert match, "no step reason on the page"
    return match.group(1)


def _count(html: str, pattern: str) -> int:
    match = re.search(pattern, html)
    return int(match.group(1)) if match else 0


@pytest.mark.parametrize("name", PRESETS)
def test_i18n_visualizer_every_step_of_every_preset_is_chinese(client, name: str) -> None:
    """Issue 10: step titles, reasons, notes, labels and chips of every preset's steps are translated."""
    first = _zh(client, f"?preset={name}")
    assert 'lang="zh-hans"' in first or "lang='zh-hans'" in first
    requests = max(1, _count(first, r'data-testid="scrub"[^>]*max="(\d+)"') + 1)
    problems: dict[str, list[str]] = {}
    pages = 0
    for req in range(min(requests, MAX_REQUESTS)):
        steps = _count(_zh(client, f"?preset={name}&req={req}"), r'data-steps="(\d+)"')
        for step in range(1, steps + 1):
            query = f"?preset={name}&req={req}&step={step}"
            runs = english_runs(visible_text(_zh(client, query)))
            pages += 1
            if runs:
                problems[query] = sorted(set(runs))
    assert pages, "no step was rendered"
    assert not problems, problems


def test_i18n_visualizer_english_page_keeps_the_engine_text(client) -> None:
    """Issue 10: in English the reason is the engine's own sentence (the fallback of every message)."""
    html = client.get(URL + "?preset=burst-vs-steady&req=0&step=6").content.decode()
    assert "Each bucket had a token to spare" in html


def test_i18n_visualizer_api_key_step_no_longer_denies_throttling(client) -> None:
    """§3.2/§3.3: a method without a key requirement still meets the stage and account throttles next."""
    html = client.get(URL + "?preset=burst-vs-steady&req=0&step=5").content.decode()
    assert "will not contribute to throttle" not in html
    assert "The stage and account throttles still apply next." in html
    reason = _reason(_zh(client, "?preset=burst-vs-steady&req=0&step=5"))
    assert "不计入任何用量计划的节流或配额" in reason and "限流" not in reason


def test_i18n_visualizer_gauges_and_summary_chips_are_translated(client) -> None:
    """Issue 10: the throttle gauges name their buckets, and the summary chips are words, in Chinese."""
    html = _zh(client, "?preset=burst-vs-steady&req=0&step=6")
    gauges = re.findall(r'class="viz__gauge-label">([^<]*)<', html)
    assert gauges and any("账户" in g for g in gauges)
    assert not [g for g in gauges if re.search(r"\b(account|stage|method|route)\b", g)]
    chips = re.findall(r'class="viz__count viz__count--(\w+)">([^<]*)<', html)
    assert chips and not [
        text for _, text in chips if re.search(r"(admitted|throttled|cached|rejected)", text)
    ]


def test_i18n_visualizer_numbers_follow_the_locale(client) -> None:
    """Issue 10: the account bucket's 4,999 tokens are grouped in Chinese too (AWS's Chinese pages group by 3)."""
    reason = _reason(_zh(client, "?preset=burst-vs-steady&req=0&step=6"))
    assert "账户 4,999/5000" in reason and "剩余令牌" in reason


def test_i18n_visualizer_verbatim_values_are_code(client) -> None:
    """Issue 10: paths and AWS strings inside a translated reason stay verbatim, marked as code."""
    reasons = [_reason(_zh(client, f"?preset=missing-route-403-vs-404&req={req}&step=2")) for req in range(3)]
    refused = [r for r in reasons if "Missing Authentication Token" in r]
    assert refused and "<code>" in refused[0] and "REST API 返回 403" in refused[0]


@pytest.mark.parametrize(
    "query",
    [
        "?preset=rest-vs-http&compare=preset",
        "?preset=edge-vs-regional&compare=preset",
        "?preset=missing-route-403-vs-404&compare=preset",
        "?preset=burst-vs-steady&compare=cache",
        "?preset=lambda-proxy-echo&compare=api_type",
        "?preset=cache-hit-miss&compare=endpoint",
        "?preset=fragile-backend&view=presenter",
        "?preset=authorizer-cache-trap&predict=on",
    ],
)
def test_i18n_visualizer_compare_presenter_and_predict_views_are_chinese(client, query: str) -> None:
    """Issue 10: both sides of a comparison, the presenter view and predict mode read in Chinese."""
    runs = english_runs(visible_text(_zh(client, query)))
    assert not runs, runs
