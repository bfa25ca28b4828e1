"""Lesson anchors as readable, localised links."""

from __future__ import annotations

import pytest

from gateway_lab.lessons.models import Lesson, LessonSection
from gateway_lab.visualizer.lesson_refs import lesson_refs

pytestmark = pytest.mark.django_db


def _lesson(language: str, title: str, heading: str) -> None:
    lesson = Lesson.objects.create(slug="security", language=language, title=title, body="")
    LessonSection.objects.create(lesson=lesson, position=1, anchor="iam", heading=heading, text="")


def test_lesson_refs_use_the_page_language():
    """§7.1: a Chinese page names the Chinese section."""
    _lesson("en", "Security", "IAM authorization")
    _lesson("zh-hans", "安全", "IAM 授权")
    ref = lesson_refs(["security#iam"], language="zh-hans")["security#iam"]
    assert ref.label == "安全 › IAM 授权" and ref.url == "/lessons/security/#iam"


def test_lesson_refs_fall_back_to_english():
    """§7.1: a lesson not yet translated shows its English title."""
    _lesson("en", "Security", "IAM authorization")
    assert (
        lesson_refs(["security#iam"], language="zh-hans")["security#iam"].label
        == "Security › IAM authorization"
    )


def test_lesson_refs_fall_back_to_the_anchor_without_lessons():
    """§7.1: with no lessons loaded the link still works and names the anchor."""
    ref = lesson_refs(["security#iam"], language="en")["security#iam"]
    assert ref.url == "/lessons/security/#iam" and ref.label == "security › iam"
