"""Notes import: Hexo/Jekyll Markdown → structured lessons; malformed files save nothing.

The reference note teaches facts that GATEWAY_FACTS.md §14 corrects; the importer must keep all of
it (every heading, table row and callout) so the corrections can be made against the original.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gateway_lab.lessons.models import Lesson, LessonSection, Source
from gateway_lab.lessons.services import notes_import, notes_import_paths
from tests.shared_files import REFERENCE_NOTE

from .conftest import NOTES

pytestmark = pytest.mark.django_db


def _headings(text: str) -> list[str]:
    body = text.split("---", 2)[2]
    return [m.group(2).strip() for m in re.finditer(r"^(#{1,6})\s+(.*)$", body, re.MULTILINE)]


def test_reference_note_keeps_every_heading():
    """§14: the note's top heading is the lesson title; every other heading becomes a section heading."""
    result = notes_import(name=REFERENCE_NOTE.name, data=REFERENCE_NOTE.read_bytes())
    lesson = Lesson.objects.get(slug=result.slug)
    title, *headings = _headings(REFERENCE_NOTE.read_text())
    assert lesson.title == title == "AWS API Gateway"
    assert result.counts["headings"] == len(headings) == 12
    html = re.sub(r"<[^>]+>", "", lesson.html)
    for heading in headings:
        assert heading.replace("**", "") in html


def test_reference_note_keeps_every_table_row():
    """§7: the authorizer comparison table keeps its header and all four rows."""
    result = notes_import(name=REFERENCE_NOTE.name, data=REFERENCE_NOTE.read_bytes())
    html = Lesson.objects.get(slug=result.slug).html
    rows = [
        line
        for line in REFERENCE_NOTE.read_text().splitlines()
        if line.startswith("|") and ":---" not in line
    ]
    assert result.counts["table_rows"] == len(rows) == html.count("<tr>") == 5
    assert "Amazon Cognito User Pools" in html


def test_reference_note_keeps_every_note_blockquote_as_a_callout():
    """§14: the three '> **Note**' blocks (throttling/SQS, 29 s/502/504, WebSocket/private) become callouts."""
    result = notes_import(name=REFERENCE_NOTE.name, data=REFERENCE_NOTE.read_bytes())
    html = Lesson.objects.get(slug=result.slug).html
    assert result.counts["callouts"] == html.count('<aside class="callout callout--note"') == 3
    assert "处理突发流量策略" in html and "29 秒" in html


def test_reference_note_front_matter_is_kept_and_language_detected():
    """Title, date, tags and categories are kept; a Chinese note is a zh-hans lesson."""
    result = notes_import(name=REFERENCE_NOTE.name, data=REFERENCE_NOTE.read_bytes())
    lesson = Lesson.objects.get(slug=result.slug)
    assert (lesson.title, lesson.language, lesson.source) == ("AWS API Gateway", "zh-hans", Source.IMPORT)
    assert lesson.meta["tags"][:2] == ["AWS", "Networking"] and lesson.meta["date"].startswith("2026-02-22")


def test_reference_note_bold_terms_become_key_terms():
    """Bold terms (e.g. 节流 concepts, WebSocket API) are listed as key terms."""
    result = notes_import(name=REFERENCE_NOTE.name, data=REFERENCE_NOTE.read_bytes())
    terms = Lesson.objects.get(slug=result.slug).meta["key_terms"]
    assert "WebSocket API" in terms and "29 秒" in terms


def test_reference_note_sections_are_searchable():
    """Imported sections enter the search index with their headings."""
    result = notes_import(name=REFERENCE_NOTE.name, data=REFERENCE_NOTE.read_bytes())
    headings = set(LessonSection.objects.filter(lesson__slug=result.slug).values_list("heading", flat=True))
    assert {"1. 基础与 API 类型", "7. 最佳实践总结 (Exam Tips)"} <= headings


def test_own_english_note_keeps_lists_tables_callouts_and_unknown_keys():
    """A note of our own: list items, table rows, a Note and a Warning callout, and the 'author' key."""
    path = NOTES / "serverless-queues.md"
    result = notes_import(name=path.name, data=path.read_bytes())
    lesson = Lesson.objects.get(slug="serverless-queues")
    # Its "# Serverless queues" is the title (issue 18); callout labels are not key terms.
    assert result.counts == {"headings": 2, "table_rows": 3, "callouts": 2, "sections": 2, "key_terms": 4}
    assert lesson.language == "en" and lesson.meta["author"] == "tester"
    assert (
        '<aside class="callout callout--pitfall"' in lesson.html
        and "<li><strong>Visibility timeout</strong>" in lesson.html
    )


def test_own_chinese_note_gets_a_slug_and_chinese_language():
    """A note with a Chinese title and file name still gets a usable slug."""
    path = NOTES / "缓存笔记.md"
    result = notes_import(name=path.name, data=path.read_bytes())
    assert result.ok and result.language == "zh-hans" and result.slug.startswith("note-")


def test_reimporting_the_same_note_changes_nothing():
    """Importing a file twice reports 'unchanged' and keeps revision 1."""
    path = NOTES / "serverless-queues.md"
    notes_import(name=path.name, data=path.read_bytes())
    again = notes_import(name=path.name, data=path.read_bytes())
    assert again.action == "unchanged" and Lesson.objects.get(slug="serverless-queues").revision == 1


def test_broken_yaml_names_the_file_and_line_and_saves_nothing():
    """Broken YAML front matter: error with file and line; no lesson saved."""
    result = notes_import(name="broken-yaml.md", data=(NOTES / "broken-yaml.md").read_bytes())
    assert (result.ok, result.name, result.line) == (False, "broken-yaml.md", 4)
    assert "YAML" in result.error and Lesson.objects.count() == 0


def test_missing_title_is_an_error_and_saves_nothing():
    """A note without a title is rejected."""
    result = notes_import(name="no-title.md", data=(NOTES / "no-title.md").read_bytes())
    assert (result.ok, result.line) == (False, 1) and "title" in result.error and Lesson.objects.count() == 0


def test_binary_file_is_rejected_with_its_line():
    """A binary file (NUL bytes) is rejected, naming the line of the first NUL."""
    result = notes_import(name="image.md", data=b"---\ntitle: x\n---\n\x89PNG\x00\x01")
    assert (result.ok, result.line) == (False, 4) and "binary" in result.error and Lesson.objects.count() == 0


def test_wrong_encoding_is_rejected_with_its_line():
    """A GBK-encoded note is not UTF-8: the error names the line of the first bad byte."""
    result = notes_import(name="gbk.md", data="---\ntitle: 笔记\n---\n".encode("gbk"))
    assert (result.ok, result.line) == (False, 2) and "UTF-8" in result.error and Lesson.objects.count() == 0


def test_no_front_matter_is_rejected():
    """Plain Markdown without front matter has no title: rejected."""
    result = notes_import(name="plain.md", data=b"# Title\n\nText\n")
    assert not result.ok and result.line == 1


def test_note_never_overwrites_a_course_lesson(loaded):
    """A note whose slug is taken by a course lesson gets a notes- slug instead."""
    result = notes_import(name="a.md", data=b"---\ntitle: Alpha\nslug: alpha\n---\n\n## X\n")
    assert (
        result.slug == "notes-alpha" and Lesson.objects.get(slug="alpha", language="en").source == Source.FILE
    )


def test_folder_import_reports_each_file_and_keeps_the_good_ones(tmp_path: Path):
    """Importing a folder gives one result per file; failures do not stop the good files."""
    results = notes_import_paths(paths=[NOTES])
    assert sorted((Path(r.name).name, r.ok) for r in results) == [
        ("broken-yaml.md", False),
        ("no-title.md", False),
        ("serverless-queues.md", True),
        ("缓存笔记.md", True),
    ]
    assert Lesson.objects.filter(source=Source.IMPORT).count() == 2


def test_import_notes_command_prints_a_report_and_fails_on_errors(capsys):
    """`manage.py import_notes PATH…` lists each file's result and exits with an error if one failed."""
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("import_notes", str(NOTES / "serverless-queues.md"), str(NOTES / "no-title.md"))
    captured = capsys.readouterr()
    assert "ok     " in captured.out and "no-title.md:1:" in captured.err


def test_import_notes_command_imports_the_reference_note(capsys):
    """The command imports the user's note with its counts in the report."""
    call_command("import_notes", str(REFERENCE_NOTE))
    assert "12 headings, 5 table rows, 3 callouts" in capsys.readouterr().out
