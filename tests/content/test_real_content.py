"""The real course in content/: every lesson loads and renders in both languages.

Lessons teach GATEWAY_FACTS.md (and §14 where the user's note is outdated); the anchors below are
the ones steps and drills link to, so each must exist in both languages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from gateway_lab.lessons import content
from gateway_lab.lessons.models import Drill, GlossaryTerm, Lesson

ROOT = Path(settings.BASE_DIR) / "content"
SLUGS = sorted({content.read_lesson(path, language=lang).slug for path, lang in content.lesson_files(ROOT)})
ANCHORS = [
    "api-types#comparison",
    "api-types#pricing",
    "api-types#routes",
    "endpoint-types#edge-optimized",
    "endpoint-types#regional",
    "endpoint-types#private",
    "endpoint-types#custom-domains",
    "integrations#lambda-proxy",
    "integrations#proxy-response",
    "integrations#lambda-custom",
    "integrations#http",
    "integrations#aws-service",
    "integrations#mock",
    "integrations#mapping-templates",
    "integrations#timeouts",
    "integrations#request-validation",
    "integrations#gateway-responses",
    "performance#throttling",
    "performance#token-bucket",
    "performance#caching",
    "performance#cache-invalidation",
    "deployments#stages",
    "deployments#stage-variables",
    "deployments#canary",
    "security#resource-policies",
    "security#iam",
    "security#cognito",
    "security#jwt",
    "security#lambda-authorizers",
    "security#authorizer-cache",
    "security#api-keys",
    "security#private-apis",
    "websocket#routes",
    "websocket#connections",
    "websocket#limits",
    "exam-tips#outdated-notes",
    "exam-tips#which-auth",
    "exam-tips#scenarios",
    "protect-observe#waf",
    "protect-observe#metrics",
    "protect-observe#logs-tracing",
    "protect-observe#cors",
]


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def course(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    """Load content/ once for the module (it takes ~0.6 s); remove it afterwards."""
    with django_db_blocker.unblock():
        call_command("load_lessons", verbosity=0)
    yield
    with django_db_blocker.unblock():
        for model in (Lesson, Drill, GlossaryTerm):
            model.objects.all().delete()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("slug", SLUGS)
def test_every_lesson_renders_in_both_languages(client, course, slug, language):
    """§14: each lesson page renders in English and in Chinese from its own translation."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/lessons/{slug}/")
    assert response.status_code == 200
    assert f'<article class="lesson" lang="{language}"'.encode() in response.content
    assert b'data-testid="not-translated"' not in response.content


@pytest.mark.parametrize("target", ANCHORS)
def test_linked_anchor_exists_in_both_languages(course, target):
    """§11: every lesson anchor that trace steps and drills point at exists in en and zh-hans."""
    slug, anchor = target.split("#")
    for language in ("en", "zh-hans"):
        lesson = Lesson.objects.filter(slug=slug, language=language).first()
        assert lesson is not None, f"{slug} ({language}) is missing"
        assert f'id="{anchor}"' in lesson.html, f"{slug} ({language}) lacks #{anchor}"


def test_every_drill_links_to_an_existing_section(course):
    """Each drill's lesson and section exist, so its "read the section" link works."""
    for drill in Drill.objects.all():
        lesson = Lesson.objects.filter(slug=drill.lesson_slug, language="en").first()
        assert lesson is not None, drill.drill_id
        assert not drill.section or f'id="{drill.section}"' in lesson.html, drill.drill_id


def test_there_are_at_least_seventy_drills_each_option_explained(course):
    """Issues 4 and 15: at least 70 drills, every option with an explanation in both languages."""
    drills = list(Drill.objects.all())
    assert len(drills) >= 70
    for drill in drills:
        for option in drill.options:
            assert option["explanation"].get("en") and option["explanation"].get("zh-hans"), drill.drill_id


def test_search_finds_chinese_two_character_queries_in_the_course(client, course):
    """§3/§4: 节流 and 缓存 find the performance lesson's throttling and caching sections."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert b"/lessons/performance/#throttling" in client.get("/lessons/search", {"q": "节流"}).content
    assert b"/lessons/performance/#caching" in client.get("/lessons/search", {"q": "缓存"}).content


@pytest.mark.parametrize(
    ("language", "query", "target"),
    [
        ("zh-hans", "使用计划", b"/lessons/security/#api-keys"),
        ("zh-hans", "突增限制", b"/lessons/performance/#token-bucket"),
        ("en", "rate limiting", b"/lessons/performance/#throttling"),
    ],
)
def test_search_finds_lessons_by_glossary_alias(client, course, language, query, target):
    """Issue 15: AWS's own zh-CN terms (and English variants) are glossary aliases, so searching for
    them finds the section that uses the course's term (用量计划, 突发上限, throttling)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert target in client.get("/lessons/search", {"q": query}).content


def test_no_lesson_shows_unrendered_emphasis_markers(course):
    """Issue 10: bold works in Chinese too. CommonMark does not close ``**`` between a full-width bracket
    and a Han character (``**金丝雀发布（Canary release）**把``), so the learner would see raw asterisks."""
    leftovers = []
    for lesson in Lesson.objects.all():
        visible = re.sub(r"<(code|pre)\b.*?</\1>", "", lesson.html, flags=re.DOTALL)
        if "**" in re.sub(r"<[^>]+>", "", visible):
            leftovers.append(f"{lesson.slug} ({lesson.language})")
    assert not leftovers, leftovers
