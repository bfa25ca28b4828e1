"""`make run`'s content step: lessons and the demo APIs DESIGN.md fixes, loaded idempotently."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from gateway_lab.lessons.models import Lesson
from gateway_lab.livegw.models import ApiDefinitionRecord

pytestmark = pytest.mark.django_db


def _state() -> tuple[list[tuple[str, str, int]], list[str]]:
    lessons = sorted(Lesson.objects.values_list("slug", "language", "revision"))
    apis = sorted(ApiDefinitionRecord.objects.values_list("api_id", flat=True))
    return lessons, apis


def test_setup_site_loads_lessons_and_the_demo_apis_and_a_second_run_changes_nothing():
    call_command("setup_site", verbosity=0)
    first = _state()
    course = Path(__file__).resolve().parents[2] / "content" / "lessons"
    assert len(first[0]) == len(list(course.glob("*/*.md"))) == 18  # 9 lessons × 2 languages
    assert {"demo-rest", "demo-http", "demo-ws"} <= set(first[1])
    call_command("setup_site", verbosity=0)
    assert _state() == first
