"""The real ``content/`` tree stays valid: read straight from the files, no database.

These guard the content contract (the lead's "Content format"): paired translations with identical
anchors, the anchors trace steps and drills link to, links to presets that the engine can run, fact
citations that exist in GATEWAY_FACTS.md, explained drills, the required callouts, and the §14
corrections in the exam-tips lesson.
"""

from __future__ import annotations

import re

import pytest

from gateway_lab.engine.presets import list_presets
from tests.content.course import (  # noqa: E402
    _FACT_HEADING,
    _KEBAB,
    _LINK,
    DRILLS,
    GLOSSARY,
    LANGUAGES,
    LESSONS,
    PAIRS,
    SLUGS,
    _anchors,
    _callouts,
    _headings,
)
from tests.shared_files import FACTS_FILE  # noqa: E402

# The contracts' lesson-anchor list: trace steps' `lesson` field and drills point at these.
CONTRACT_ANCHORS = {
    "api-types": ["comparison", "pricing", "routes"],
    "endpoint-types": ["edge-optimized", "regional", "private", "custom-domains"],
    "integrations": [
        "lambda-proxy",
        "proxy-response",
        "lambda-custom",
        "http",
        "aws-service",
        "mock",
        "mapping-templates",
        "timeouts",
        "request-validation",
        "gateway-responses",
    ],
    "performance": ["throttling", "token-bucket", "caching", "cache-invalidation"],
    "deployments": ["stages", "stage-variables", "canary"],
    "security": [
        "resource-policies",
        "iam",
        "cognito",
        "jwt",
        "lambda-authorizers",
        "authorizer-cache",
        "api-keys",
        "private-apis",
    ],
    "websocket": ["routes", "connections", "limits"],
    "exam-tips": ["outdated-notes", "which-auth", "scenarios"],
}
# The contracts' preset list, with the issue that builds each one (named in failure messages).
CONTRACT_PRESETS = {
    **dict.fromkeys(
        [
            "fragile-backend",
            "burst-vs-steady",
            "cache-hit-miss",
            "cache-ttl-expiry",
            "cache-invalidation",
            "lambda-proxy-echo",
            "lambda-proxy-502",
            "slow-backend-504",
            "sqs-async-decoupling",
            "canary-10-percent",
            "edge-vs-regional",
            "rest-vs-http",
            "missing-route-403-vs-404",
            "mock-integration",
            "request-validation-400",
        ],
        "engine issue",
    ),
    **dict.fromkeys(
        [
            "cognito-mobile-app",
            "iam-internal-service",
            "lambda-authorizer-oauth",
            "api-keys-saas",
            "private-api-vpc",
            "ip-allow-list",
            "authorizer-cache-trap",
        ],
        "access-control issue",
    ),
    "websocket-chat": "WebSocket issue",
}
# §14's outdated claims the issue names; each needs an OUTDATED callout in exam-tips whose text
# matches every pattern (per language).
OUTDATED_ITEMS = {
    "29-second-limit": {"en": [r"29 s", r"15 minutes"], "zh-hans": [r"29 秒", r"15 分钟"]},
    "403-vs-404": {"en": [r"403", r"404"], "zh-hans": [r"403", r"404"]},
    "statusCode": {"en": [r"statusCode", r"200"], "zh-hans": [r"statusCode", r"200"]},
    "10000-rps": {"en": [r"10,000", r"2,500"], "zh-hans": [r"10,000", r"2,500"]},
    "71-percent": {"en": [r"71 ?%", r"40"], "zh-hans": [r"71 ?%", r"40"]},
    "10mb-vs-6mb": {"en": [r"10 MB", r"6 MB", r"413"], "zh-hans": [r"10 MB", r"6 MB", r"413"]},
    "private-custom-domains": {"en": [r"[Pp]rivate", r"custom domain"], "zh-hans": [r"私有", r"自定义域名"]},
    "x-cache": {"en": [r"X-Cache", r"CacheHitCount"], "zh-hans": [r"X-Cache", r"CacheHitCount"]},
}


def _fact_sections() -> set[str]:
    return set(_FACT_HEADING.findall(FACTS_FILE.read_text(encoding="utf-8")))


def _links(scheme: str) -> list[tuple[str, str]]:
    """Return (where, target) for every ``scheme:`` link in every lesson body."""
    return [
        (f"{slug} ({language})", target)
        for slug, language in PAIRS
        if language in LESSONS[slug]
        for kind, target in _LINK.findall(LESSONS[slug][language].body)
        if kind == scheme
    ]


def _named_presets() -> list[tuple[str, str]]:
    """Return (where, preset) for front matter, ``preset:`` links and drills."""
    named = [
        (f"{slug} ({language}) front matter", name)
        for slug, language in PAIRS
        if language in LESSONS[slug]
        for name in LESSONS[slug][language].presets
    ]
    named += _links("preset")
    named += [(f"drill {item['id']}", str(item["preset"])) for _stem, item in DRILLS if item.get("preset")]
    return named


def _cited_facts() -> list[tuple[str, str]]:
    """Return (where, section) for front matter ``facts``, ``fact:`` links and drills' ``fact``."""
    cited = [
        (f"{slug} ({language}) front matter", fact)
        for slug, language in PAIRS
        if language in LESSONS[slug]
        for fact in LESSONS[slug][language].facts
    ]
    cited += _links("fact")
    cited += [(f"drill {item['id']}", str(item["fact"])) for _stem, item in DRILLS if item.get("fact")]
    return cited


def test_content_files_are_found():
    """The tree this module checks is really there (an empty tree would pass every other test)."""
    assert len(SLUGS) >= 8 and len(DRILLS) >= 40 and FACTS_FILE.is_file()


@pytest.mark.parametrize("slug", SLUGS)
def test_lesson_exists_in_both_languages(slug):
    """Content format: one file per lesson per language, linked by a shared slug."""
    assert sorted(LESSONS[slug]) == sorted(LANGUAGES)


@pytest.mark.parametrize("slug", SLUGS)
def test_lesson_translations_share_order_presets_and_facts(slug):
    """Content format: both translations sit at the same place and link the same presets and facts."""
    versions = LESSONS[slug].values()
    assert len({(v.order, tuple(v.presets), tuple(v.facts)) for v in versions}) == 1


@pytest.mark.parametrize("slug", SLUGS)
def test_lesson_translations_have_identical_anchor_sets(slug):
    """Content format: anchors are identical in both languages (steps and drills link to them)."""
    en, zh = (_anchors(LESSONS[slug][language].body) for language in LANGUAGES)
    assert en == zh, f"only in en: {sorted(en - zh)}; only in zh-hans: {sorted(zh - en)}"


@pytest.mark.parametrize(("slug", "language"), PAIRS)
def test_lesson_sections_have_kebab_case_anchors(slug, language):
    """Content format: every ``##`` section carries a mandatory ASCII kebab-case ``{#anchor}``."""
    headings = _headings(LESSONS[slug][language].body)
    bad = [
        text
        for level, text, anchor in headings
        if (level == 2 and not anchor) or (anchor and not _KEBAB.match(anchor))
    ]
    assert not bad


@pytest.mark.parametrize(("slug", "language"), PAIRS)
def test_lesson_has_five_to_ten_sections(slug, language):
    """Content format: each lesson has 5–10 sections (security needs ten: mutual TLS joined it, issue 18)."""
    sections = [h for h in _headings(LESSONS[slug][language].body) if h[0] == 2]
    assert 5 <= len(sections) <= 10


@pytest.mark.parametrize(
    "target", [f"{slug}#{anchor}" for slug, anchors in CONTRACT_ANCHORS.items() for anchor in anchors]
)
def test_contract_anchor_exists_in_both_languages(target):
    """Contracts: every lesson anchor that trace steps and drills point at exists in en and zh-hans."""
    slug, anchor = target.split("#")
    assert slug in LESSONS, f"no lesson {slug}"
    missing = [lang for lang, lesson in LESSONS[slug].items() if anchor not in _anchors(lesson.body)]
    assert sorted(LESSONS[slug]) == sorted(LANGUAGES) and not missing, f"#{anchor} missing in {missing}"


def test_lesson_links_point_at_existing_sections():
    """Content format: every ``lesson:slug#anchor`` link, glossary entry and drill section resolves."""
    targets = _links("lesson")
    targets += [(f"glossary {g['key']}", str(g["lesson"])) for g in GLOSSARY if g.get("lesson")]
    targets += [(f"drill {d['id']}", f"{d['lesson']}#{d['section']}") for _stem, d in DRILLS]
    broken = []
    for where, target in targets:
        slug, _, anchor = target.partition("#")
        for lesson in LESSONS.get(slug, {"?": None}).values():
            if lesson is None or (anchor and anchor not in _anchors(lesson.body)):
                broken.append(f"{where} → {target}")
    assert not broken, broken


def test_named_presets_are_known_presets():
    """Contracts: lessons and drills name only presets of the contracts' list or the engine (no typos)."""
    built = {preset["name"] for preset in list_presets()}
    unknown = sorted(
        {f"{where}: {name}" for where, name in _named_presets() if name not in built | set(CONTRACT_PRESETS)}
    )
    assert not unknown, unknown


def test_named_presets_are_built_by_the_engine():
    """Contracts: every preset a lesson or drill links to exists in ``gateway_lab.engine.presets``."""
    built = {preset["name"] for preset in list_presets()}
    missing = sorted({name for _where, name in _named_presets() if name not in built})
    owners = [f"{name} (owned by the {CONTRACT_PRESETS.get(name, 'no')})" for name in missing]
    assert not missing, f"linked from content/ but not built by the engine yet: {', '.join(owners)}"


def test_cited_facts_are_sections_of_gateway_facts():
    """Every ``fact`` (front matter, ``fact:`` link, drill) is a section number in GATEWAY_FACTS.md."""
    sections = _fact_sections()
    wrong = sorted({f"{where}: {fact}" for where, fact in _cited_facts() if fact not in sections})
    assert not wrong, wrong


def test_fact_sections_are_read_from_gateway_facts():
    """The fact-section reader finds top-level and sub-sections (§3, §3.2, §14) in GATEWAY_FACTS.md."""
    assert {"3", "3.2", "14"} <= _fact_sections()


def test_drill_ids_are_unique_kebab_case():
    """Content format: drill ids are unique and kebab-case."""
    ids = [str(item["id"]) for _stem, item in DRILLS]
    assert len(ids) == len(set(ids)) and all(_KEBAB.match(i) for i in ids)


@pytest.mark.parametrize(("stem", "drill"), DRILLS, ids=[str(d["id"]) for _s, d in DRILLS])
def test_drill_is_filed_under_its_lesson(stem, drill):
    """Content format: ``content/drills/<lesson-slug>.yaml`` holds that lesson's drills."""
    assert drill["lesson"] == stem and stem in LESSONS


@pytest.mark.parametrize(("stem", "drill"), DRILLS, ids=[str(d["id"]) for _s, d in DRILLS])
def test_drill_text_and_every_explanation_exist_in_both_languages(stem, drill):
    """Issue 4: every option, right or wrong, has an explanation, in en and zh-hans."""
    texts = (
        [drill["question"]]
        + [o["text"] for o in drill["options"]]
        + [o.get("explanation") or {} for o in drill["options"]]
    )
    assert all(str(t.get(lang) or "").strip() for t in texts for lang in LANGUAGES)


@pytest.mark.parametrize(("stem", "drill"), DRILLS, ids=[str(d["id"]) for _s, d in DRILLS])
def test_drill_correct_option_count_matches_its_kind(stem, drill):
    """Content format: single-choice drills have exactly one right option, multiple-choice at least two."""
    right = sum(bool(option.get("correct")) for option in drill["options"])
    assert right >= 2 if drill.get("multiple") else right == 1


@pytest.mark.parametrize(("slug", "language"), PAIRS)
@pytest.mark.parametrize("kind", ["EXAM", "PITFALL", "KEY"])
def test_lesson_has_required_callout(slug, language, kind):
    """Content format: each lesson has at least one EXAM, one PITFALL and one KEY callout."""
    assert kind in {found for found, _text in _callouts(LESSONS[slug][language].body)}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("item", sorted(OUTDATED_ITEMS))
def test_exam_tips_corrects_outdated_claim(item, language):
    """§14: each outdated claim the issue lists has its own OUTDATED callout in exam-tips."""
    patterns = OUTDATED_ITEMS[item][language]
    texts = [text for kind, text in _callouts(LESSONS["exam-tips"][language].body) if kind == "OUTDATED"]
    assert any(all(re.search(p, text) for p in patterns) for text in texts), f"no OUTDATED callout for {item}"
