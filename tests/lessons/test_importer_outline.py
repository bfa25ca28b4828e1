"""A note's whole outline survives the import (issue 18): its top heading is the lesson title, its h2s
sections, its h3s subsections, and every heading is in the table of contents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gateway_lab.lessons.importer import note_convert
from gateway_lab.lessons.models import Lesson, LessonSection
from gateway_lab.lessons.services import notes_import

NOTE = Path(__file__).parent / "fixtures" / "outline" / "sqs-outline.md"


def test_outline_note_title_is_its_single_top_heading_and_not_a_section() -> None:
    """The single h1 is the title; it does not come back as a section of the body."""
    note = note_convert(NOTE.read_bytes(), name=NOTE.name)
    assert note.title == "Amazon SQS 速记"
    assert "# Amazon SQS 速记" not in note.body


@pytest.mark.django_db
def test_outline_note_keeps_h2_sections_and_h3_subsections_in_the_toc() -> None:
    """H2s stay level 2 and H3s level 3 (not demoted to h4), and all of them appear in the outline."""
    result = notes_import(name=NOTE.name, data=NOTE.read_bytes())
    assert result.ok, result.error
    lesson = Lesson.objects.get(slug=result.slug, language="zh-hans")
    sections = [
        (s.level, s.heading) for s in LessonSection.objects.filter(lesson=lesson).order_by("position")
    ]
    headed = [pair for pair in sections if pair[1]]
    assert headed == [
        (2, "队列类型"),
        (3, "吞吐对比"),
        (3, "去重"),
        (2, "轮询与可见性"),
        (2, "死信队列"),
    ]
    outline = [(e["heading"], [c["heading"] for c in e["children"]]) for e in lesson.toc]
    assert outline == [("队列类型", ["吞吐对比", "去重"]), ("轮询与可见性", []), ("死信队列", [])]
    assert "<h4" not in lesson.html and lesson.html.count("<h3") == 2


def test_outline_note_key_terms_keep_brackets_and_skip_callout_labels() -> None:
    """ "标准队列 (Standard)" keeps its closing bracket; the callout label "Note - 长轮询" is not a term."""
    terms = note_convert(NOTE.read_bytes(), name=NOTE.name).key_terms
    assert "标准队列 (Standard)" in terms
    assert "FIFO 队列【先进先出】" in terms
    assert "可见性超时" in terms and "maxReceiveCount" in terms
    assert not any("Note" in t or "Tip" in t or t == "长轮询" for t in terms), terms


@pytest.mark.django_db
def test_outline_note_dates_tags_and_author_reach_the_lesson_page(client) -> None:  # noqa: ANN001
    """Front matter ``updated`` (else ``date``) is the lesson's date; date, tags and author show on the page."""
    result = notes_import(name=NOTE.name, data=NOTE.read_bytes())
    lesson = Lesson.objects.get(slug=result.slug, language="zh-hans")
    assert lesson.updated == dt.date(2026, 4, 2)
    page = client.get(f"/lessons/{lesson.slug}/?lang=zh-hans", headers={"Accept-Language": "zh-hans"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "2026-03-14" in html and "2026-04-02" in html
    assert 'data-testid="lesson-tags"' in html and ">SQS<" in html
    assert "林老师" in html
