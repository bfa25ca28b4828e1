"""Issue 13: export a page, a set or the whole wiki as a zip of Markdown and import it back; backups."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from gateway_lab.lessons.models import AuditEntry, Lesson, LessonRevision, LessonSection
from gateway_lab.lessons.roles import role_set, roles_ensure
from gateway_lab.lessons.services import notes_import_paths
from gateway_lab.lessons.services.revisions import lesson_create, lesson_revise
from gateway_lab.lessons.services.wiki_io import (
    MAX_ENTRY_BYTES,
    export_lessons,
    export_zip,
    import_zip,
)

pytestmark = pytest.mark.django_db

FIELDS = ("slug", "language", "title", "summary", "order", "presets", "facts", "updated", "meta", "body")


def _snapshot() -> dict[tuple[str, str], tuple]:
    return {(l.slug, l.language): tuple(getattr(l, f) for f in FIELDS) for l in Lesson.objects.all()}  # noqa: E741


@pytest.fixture
def course(db):  # noqa: ANN001, ANN201
    """The real course (both languages) plus an imported note and a wiki page."""
    call_command("load_lessons", verbosity=0)
    notes = Path(__file__).parent / "fixtures" / "notes"
    notes_import_paths(paths=[notes / "serverless-queues.md", notes / "缓存笔记.md"])
    lesson_create(
        slug="runbook", language="zh-hans", title="值班手册", body="## 步骤\n\n重启。\n", author=None
    )


def test_whole_wiki_round_trip_gives_the_same_content(course):
    """Issue 13: export → import → export gives the same pages (and the same zip bytes)."""
    before = _snapshot()
    assert len(before) > 5
    first = export_zip(export_lessons())
    Lesson.objects.all().delete()
    results = import_zip(data=first, author=None)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    assert {r.action for r in results} == {"created"}
    assert _snapshot() == before
    assert export_zip(export_lessons()) == first
    assert LessonSection.objects.exists()  # rendered and indexed again
    again = import_zip(data=first, author=None)
    assert {r.action for r in again} == {"unchanged"}


def test_importing_a_changed_page_is_a_new_revision(course):
    lesson = Lesson.objects.get(slug="runbook", language="zh-hans")
    data = export_zip(export_lessons(slug="runbook"))
    lesson_revise(lesson=lesson, body="被改过\n", author=None, base_revision=lesson.revision)
    [result] = import_zip(data=data, author=None)
    lesson.refresh_from_db()
    assert result.action == "updated" and lesson.body == "## 步骤\n\n重启。\n" and lesson.revision == 3
    assert LessonRevision.objects.filter(lesson=lesson).count() == 3


def test_export_one_page_one_language_or_a_set(course):
    names = zipfile.ZipFile(io.BytesIO(export_zip(export_lessons(slug="runbook")))).namelist()
    assert names == ["zh-hans/runbook.md"]
    course_set = export_lessons(lesson_set="course")
    assert course_set and all(l.source == "file" for l in course_set)  # noqa: E741
    text = zipfile.ZipFile(io.BytesIO(export_zip(course_set))).read(f"en/{course_set[0].slug}.md").decode()
    assert text.startswith("---\nslug: ") and "\nlanguage: en\n" in text


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_bad_files_are_reported_and_save_nothing(db):
    good = b"---\nslug: ok\nlanguage: en\ntitle: OK\n---\nFine.\n"
    results = import_zip(
        data=_zip(
            {
                "en/ok.md": good,
                "en/nofront.md": b"no front matter\n",
                "en/alias.md": b"---\nslug: &a x\nlanguage: en\ntitle: *a\n---\nx\n",
                "en/huge.md": b"---\nslug: huge\nlanguage: en\ntitle: H\n---\n"
                + b"a" * (MAX_ENTRY_BYTES + 10),
                "xx/lang.md": b"---\nslug: lang\nlanguage: xx\ntitle: L\n---\nx\n",
                "image.png": b"\x89PNG",
            }
        ),
        author=None,
    )
    by_name = {r.name: r for r in results}
    assert set(by_name) == {"en/ok.md", "en/nofront.md", "en/alias.md", "en/huge.md", "xx/lang.md"}
    assert by_name["en/ok.md"].ok and not any(r.ok for n, r in by_name.items() if n != "en/ok.md")
    assert list(Lesson.objects.values_list("slug", flat=True)) == ["ok"]


def test_import_page_for_editors(course):
    roles_ensure()
    editor = get_user_model().objects.create_user("ed", password="pw-Ed-12345")
    role_set(actor=None, user=editor, roles=["editor"])
    client = Client()
    client.force_login(editor)
    data = export_zip(export_lessons(slug="runbook"))
    response = client.post("/lessons/wiki/import/", {"archive": io.BytesIO(data)})
    assert response.status_code == 200 and 'data-testid="wiki-import-report"' in response.content.decode()
    bad = client.post("/lessons/wiki/import/", {"archive": io.BytesIO(b"not a zip")})
    assert bad.status_code == 400
    exported = client.get("/lessons/wiki/export/?set=wiki")
    assert exported["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(exported.content)).namelist() == ["zh-hans/runbook.md"]
    assert client.get("/lessons/wiki/export/?set=nope").status_code == 400


# --- Backup, restore, passwords, roles from the command line ---------------------------------------
@pytest.mark.django_db(transaction=True)  # restore --flush truncates tables, as on a real host
def test_backup_and_restore_round_trip(course, tmp_path):
    """Issue 13: backups and restore by manage.py commands, tested."""
    roles_ensure()
    user = get_user_model().objects.create_user("dana", password="pw-Dana-12345")
    role_set(actor=None, user=user, roles=["editor"])
    lesson = Lesson.objects.get(slug="runbook")
    lesson_revise(lesson=lesson, body="第二版\n", author=user, base_revision=1, message="v2")
    before = _snapshot()
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    call_command("restore", str(path), "--flush", stdout=io.StringIO())
    assert _snapshot() == before
    restored = get_user_model().objects.get(username="dana")
    assert restored.check_password("pw-Dana-12345") and restored.groups.filter(name="editor").exists()
    revision = LessonRevision.objects.get(lesson__slug="runbook", number=2)
    assert revision.author == restored and revision.message == "v2"
    assert LessonSection.objects.filter(lesson__slug="runbook").exists()
    assert AuditEntry.objects.filter(target="user dana").exists()


def test_set_password_without_a_prompt(db, monkeypatch):
    get_user_model().objects.create_user("erin", password="old-Pass-123")
    monkeypatch.setattr("sys.stdin", io.StringIO("new-Pass-456-xyz\n"))
    out = io.StringIO()
    call_command("set_password", "erin", "--password-stdin", stdout=out)
    assert get_user_model().objects.get(username="erin").check_password("new-Pass-456-xyz")
    call_command("set_password", "erin", stdout=out)
    generated = out.getvalue().rsplit(": ", 1)[1].strip()
    assert get_user_model().objects.get(username="erin").check_password(generated)
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(Exception, match="too short|too common|numeric"):
        call_command("set_password", "erin", "--password-stdin", stdout=out)


def test_set_role_and_setup_roles_commands(db):
    get_user_model().objects.create_user("finn")
    call_command("setup_roles", verbosity=0)
    call_command("set_role", "finn", "editor", "presenter", stdout=io.StringIO())
    names = set(get_user_model().objects.get(username="finn").groups.values_list("name", flat=True))
    assert names == {"editor", "presenter"}


def test_a_zip_of_study_notes_goes_through_the_notes_importer(db):
    """Issue 13: the notes importer for editors accepts a zip; its bounds apply unchanged (per-file report)."""
    notes = Path(__file__).parent / "fixtures" / "notes"
    data = _zip(
        {
            "notes/serverless-queues.md": (notes / "serverless-queues.md").read_bytes(),
            "notes/broken-yaml.md": (notes / "broken-yaml.md").read_bytes(),
            "notes/too-big.md": b"---\ntitle: Big\n---\n" + b"a " * 40_000,
        }
    )
    results = {r.name: r for r in import_zip(data=data, author=None)}
    assert (
        results["notes/serverless-queues.md"].ok and results["notes/serverless-queues.md"].action == "created"
    )
    assert not results["notes/broken-yaml.md"].ok and ":4:" in results["notes/broken-yaml.md"].error
    assert not results["notes/too-big.md"].ok and "KB" in results["notes/too-big.md"].error
    lesson = Lesson.objects.get(slug=results["notes/serverless-queues.md"].slug)
    assert lesson.source == "import"
