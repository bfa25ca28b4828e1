"""load_lessons: content files → lessons, glossary and drills, idempotently, never clobbering wiki edits.

These lessons teach GATEWAY_FACTS.md; the sync must keep their facts/presets metadata exactly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from gateway_lab.lessons.models import Drill, GlossaryTerm, Lesson, LessonSection, Source
from gateway_lab.lessons.services import lesson_sync_from_files

pytestmark = pytest.mark.django_db


def test_sync_creates_one_lesson_per_file_and_language(loaded):
    """Each lesson file becomes a row keyed by (slug, language)."""
    assert sorted(Lesson.objects.values_list("slug", "language")) == [
        ("alpha", "en"),
        ("alpha", "zh-hans"),
        ("beta", "en"),
    ]
    assert sorted(loaded.created) == ["alpha (en)", "alpha (zh-hans)", "beta (en)"]


def test_sync_keeps_front_matter_presets_and_facts(loaded):
    """§3.2: the lesson keeps the presets and GATEWAY_FACTS sections its front matter lists."""
    lesson = Lesson.objects.get(slug="alpha", language="en")
    assert (lesson.presets, lesson.facts, lesson.order, lesson.source) == (
        ["fragile-backend"],
        ["3.2"],
        1,
        Source.FILE,
    )


def test_sync_stores_rendered_html_and_search_sections(loaded):
    """The page's HTML is rendered at load time and the search index has one row per heading."""
    lesson = Lesson.objects.get(slug="alpha", language="en")
    assert '<h2 id="throttling">' in lesson.html
    assert list(LessonSection.objects.filter(lesson=lesson).values_list("anchor", flat=True)) == [
        "throttling",
        "caching",
    ]


def test_second_sync_changes_nothing(loaded, content_root: Path):
    """Unchanged files leave revisions and timestamps alone."""
    before = list(Lesson.objects.values_list("pk", "revision", "modified_at"))
    report = lesson_sync_from_files(root=content_root)
    assert report.created == report.updated == [] and len(report.unchanged) == 3
    assert list(Lesson.objects.values_list("pk", "revision", "modified_at")) == before


def test_changed_file_updates_the_lesson_and_bumps_its_revision(loaded, content_root: Path):
    """A changed file updates the body and the revision number."""
    path = content_root / "lessons/en/02-beta.md"
    path.write_text(path.read_text().replace("gets a 504", "gets a 504 Gateway Timeout"))
    report = lesson_sync_from_files(root=content_root)
    lesson = Lesson.objects.get(slug="beta", language="en")
    assert report.updated == ["beta (en)"] and lesson.revision == 2 and "Gateway Timeout" in lesson.html


def test_sync_does_not_clobber_a_lesson_edited_in_the_wiki(loaded, content_root: Path):
    """A lesson whose revision came from the wiki is kept even when its file changes."""
    Lesson.objects.filter(slug="beta").update(source=Source.WIKI, body="Edited in the wiki.")
    path = content_root / "lessons/en/02-beta.md"
    path.write_text(path.read_text() + "\nMore.\n")
    report = lesson_sync_from_files(root=content_root)
    assert report.kept == ["beta (en)"]
    assert Lesson.objects.get(slug="beta").body == "Edited in the wiki."


def test_deleted_file_removes_its_lesson(loaded, content_root: Path):
    """A lesson file that disappears takes its lesson with it."""
    (content_root / "lessons/en/02-beta.md").unlink()
    assert lesson_sync_from_files(root=content_root).removed == ["beta (en)"]
    assert not Lesson.objects.filter(slug="beta").exists()


def test_broken_file_is_reported_and_removes_nothing(loaded, content_root: Path):
    """A file with broken front matter is an error naming the file and line; other lessons stay."""
    (content_root / "lessons/en/02-beta.md").write_text("---\ntitle: [oops\n---\n")
    report = lesson_sync_from_files(root=content_root)
    assert len(report.errors) == 1 and "02-beta.md:" in report.errors[0]
    assert Lesson.objects.filter(slug="beta").exists()


def test_glossary_and_drills_are_loaded(loaded):
    """The glossary and the drills come from glossary.yaml and drills/*.yaml."""
    assert GlossaryTerm.objects.get(key="throttling").terms == {"en": "throttling", "zh-hans": "节流"}
    assert list(Drill.objects.values_list("drill_id", "multiple")) == [
        ("alpha-fragile", False),
        ("alpha-rest-only", True),
    ]


def test_glossary_terms_are_marked_in_both_languages(loaded):
    """§3.1: the glossary term shows as a tooltip in the English and the Chinese lesson."""
    assert 'data-term="throttling"' in Lesson.objects.get(slug="alpha", language="en").html
    assert 'data-term="throttling"' in Lesson.objects.get(slug="alpha", language="zh-hans").html


def test_glossary_change_rerenders_without_a_new_revision(loaded, content_root: Path):
    """A new glossary re-renders lessons but their revision (the text) stays the same."""
    (content_root / "glossary.yaml").write_text("[]\n")
    lesson_sync_from_files(root=content_root)
    lesson = Lesson.objects.get(slug="alpha", language="en")
    assert "<dfn" not in lesson.html and lesson.revision == 1


def test_load_lessons_command_loads_the_real_content():
    """`manage.py load_lessons` loads content/ without errors, and twice is the same as once."""
    call_command("load_lessons", verbosity=0)
    count = Lesson.objects.count()
    call_command("load_lessons", verbosity=0)
    assert count > 0 and Lesson.objects.count() == count
    assert Drill.objects.count() >= 40
