"""Issue 13, team wiki services: revise, conflict, merge, restore, diff, create, roles, audit."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from gateway_lab.lessons.models import AuditEntry, Lesson, LessonRevision, Source
from gateway_lab.lessons.roles import RoleError, can_edit, can_read, role_set, roles_ensure
from gateway_lab.lessons.services.revisions import (
    RevisionConflict,
    WikiError,
    diff_rows,
    diff_unified,
    lesson_create,
    lesson_revise,
    merge_three,
    revision_restore,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():  # noqa: ANN201
    return get_user_model().objects.create_user("alice", password="pw-Alice-123")


@pytest.fixture
def bob():  # noqa: ANN201
    return get_user_model().objects.create_user("bob", password="pw-Bob-123")


@pytest.fixture
def alpha(loaded) -> Lesson:  # noqa: ANN001
    return Lesson.objects.get(slug="alpha", language="en")


def test_a_save_is_a_revision_with_author_message_and_rendered_html(alpha, alice):
    """Issue 13: every save is a revision (author, time, message); the page is re-rendered."""
    start = alpha.revision
    revision = lesson_revise(
        lesson=alpha,
        body="## Fixed {#fixed}\n\nA typo fixed.\n",
        author=alice,
        base_revision=start,
        message="typo",
    )
    alpha.refresh_from_db()
    assert (revision.number, alpha.revision) == (start + 1, start + 1)
    assert revision.author == alice and revision.message == "typo" and revision.created is not None
    assert "A typo fixed." in alpha.html and alpha.source == Source.WIKI
    assert [s.heading for s in alpha.sections.all()] == ["Fixed"]
    # The file's text became the first history row, so the history starts where the page did.
    numbers = list(LessonRevision.objects.filter(lesson=alpha).values_list("number", flat=True))
    assert numbers == [start + 1, start]


def test_a_save_based_on_an_older_revision_is_refused_and_keeps_nothing(alpha, alice, bob):
    """Issue 13: concurrent edits never overwrite silently."""
    base = alpha.revision
    lesson_revise(lesson=alpha, body="Alice's text\n", author=alice, base_revision=base)
    with pytest.raises(RevisionConflict) as caught:
        lesson_revise(lesson=alpha, body="Bob's text\n", author=bob, base_revision=base)
    alpha.refresh_from_db()
    assert alpha.body == "Alice's text\n" and alpha.revision == base + 1
    assert caught.value.yours == "Bob's text\n" and caught.value.current == base + 1
    assert not LessonRevision.objects.filter(author=bob).exists()


def test_a_stale_lesson_object_cannot_win_the_race(alpha, alice, bob):
    """The lock is the row's revision: two saves from one base, only the first is stored."""
    stale = Lesson.objects.get(pk=alpha.pk)
    lesson_revise(lesson=alpha, body="first\n", author=alice, base_revision=alpha.revision)
    with pytest.raises(RevisionConflict):
        lesson_revise(lesson=stale, body="second\n", author=bob, base_revision=stale.revision)


def test_bad_input_is_refused_with_a_field(alpha, alice):
    with pytest.raises(WikiError) as empty:
        lesson_revise(lesson=alpha, body="  \n", author=alice, base_revision=alpha.revision)
    assert empty.value.field == "body"
    with pytest.raises(WikiError):
        lesson_revise(lesson=alpha, body="[x](lesson:a/b)\n", author=alice, base_revision=alpha.revision)
    with pytest.raises(WikiError) as big:
        lesson_revise(lesson=alpha, body="x" * 300_000, author=alice, base_revision=alpha.revision)
    assert "KB" in big.value.message


def test_merge_of_changes_in_different_places_is_clean():
    base = "one\ntwo\nthree\nfour\n"
    theirs = "ONE\ntwo\nthree\nfour\n"
    yours = "one\ntwo\nthree\nFOUR\n"
    merge = merge_three(base=base, theirs=theirs, yours=yours)
    assert merge.conflicts == 0
    assert merge.text == "ONE\ntwo\nthree\nFOUR\n"
    assert [c.kind for c in merge.chunks if c.kind != "same"] == ["theirs", "yours"]


def test_merge_of_the_same_line_changed_twice_is_a_conflict():
    merge = merge_three(base="a\nb\nc\n", theirs="a\nB1\nc\n", yours="a\nB2\nc\n")
    assert merge.conflicts == 1
    conflict = next(c for c in merge.chunks if c.kind == "conflict")
    assert (conflict.base, conflict.theirs, conflict.yours) == (["b\n"], ["B1\n"], ["B2\n"])
    assert merge.text == "a\nB2\nc\n"  # your side is kept


def test_restore_is_a_new_revision_and_is_audited(alpha, alice):
    """Issue 13: restore makes a new revision (history is never rewritten) and the audit log says who."""
    first_body, base = alpha.body, alpha.revision
    lesson_revise(lesson=alpha, body="vandalised\n", author=alice, base_revision=base)
    revision = revision_restore(lesson=alpha, number=base, author=alice, base_revision=base + 1)
    alpha.refresh_from_db()
    assert revision.number == base + 2 and alpha.body == first_body
    assert LessonRevision.objects.filter(lesson=alpha).count() == 3
    entry = AuditEntry.objects.get(action=AuditEntry.RESTORE)
    assert entry.actor == alice and f"revision {base} restored" in entry.detail


def test_diff_between_any_two_revisions():
    old, new = "a\nb\nc\n", "a\nB\nc\nd\n"
    rows = diff_rows(old, new)
    assert [(r.kind, r.left, r.right) for r in rows] == [
        ("equal", "a", "a"),
        ("replace", "b", "B"),
        ("equal", "c", "c"),
        ("insert", "", "d"),
    ]
    kinds = [kind for kind, _text in diff_unified(old, new, old_name="r1", new_name="r3")]
    assert kinds.count("add") == 2 and kinds.count("del") == 1 and kinds[:2] == ["head", "head"]


def test_create_a_page_and_its_translation(db, alice):
    """Issue 13: pages in zh-Hans and en with the same slug are translations of each other."""
    en = lesson_create(slug="team-notes", language="en", title="Team notes", body="# Hi\n", author=alice)
    zh = lesson_create(slug="team-notes", language="zh-hans", title="团队笔记", body="# 你好\n", author=alice)
    assert {en.order, en.source, en.revision} == {zh.order, zh.source, zh.revision}
    assert set(Lesson.objects.filter(slug="team-notes").values_list("language", flat=True)) == {
        "en",
        "zh-hans",
    }
    with pytest.raises(WikiError) as twice:
        lesson_create(slug="team-notes", language="en", title="Again", body="x\n", author=alice)
    assert twice.value.field == "slug"
    with pytest.raises(WikiError):
        lesson_create(slug="../etc", language="en", title="Bad", body="x\n", author=alice)


# --- Roles -------------------------------------------------------------------------------------------
def test_roles_are_groups_with_permissions(db):
    counts = roles_ensure()
    assert set(counts) == {"reader", "editor", "presenter", "admin"}
    assert counts["reader"] < counts["editor"] < counts["admin"]
    assert roles_ensure() == counts  # idempotent


def test_an_editor_cannot_raise_their_own_role(db, alice, bob):
    """Issue 13: editors cannot raise their own role; an admin can give roles, and it is audited."""
    roles_ensure()
    role_set(actor=None, user=alice, roles=["editor"])
    alice = get_user_model().objects.get(pk=alice.pk)
    with pytest.raises(RoleError) as own:
        role_set(actor=alice, user=alice, roles=["admin"])
    assert own.value.code == "not_allowed"  # editors cannot change users at all
    role_set(actor=None, user=bob, roles=["admin"])
    bob = get_user_model().objects.get(pk=bob.pk)
    with pytest.raises(RoleError) as self_change:
        role_set(actor=bob, user=bob, roles=["reader", "admin"])
    assert self_change.value.code == "own_role"
    role_set(actor=bob, user=alice, roles=["reader"])
    entries = list(AuditEntry.objects.filter(target="user alice").values_list("action", "detail", "actor"))
    assert (AuditEntry.ROLE_ADDED, "editor", None) in entries
    assert (AuditEntry.ROLE_REMOVED, "editor", bob.pk) in entries
    assert (AuditEntry.ROLE_ADDED, "reader", bob.pk) in entries


def test_anonymous_reading_is_configurable(db, settings, alice):
    from django.contrib.auth.models import AnonymousUser

    assert can_read(AnonymousUser())
    settings.GATEWAY_LAB = {**settings.GATEWAY_LAB, "ANONYMOUS_READ": False}
    assert not can_read(AnonymousUser()) and not can_read(alice)
    role_set(actor=None, user=alice, roles=["reader"])
    alice = get_user_model().objects.get(pk=alice.pk)
    assert can_read(alice) and not can_edit(alice)


def test_long_unchanged_runs_collapse_to_a_skip_row():
    """A 2,000-line page with one change shows the change with 3 lines of context around it."""
    old = "".join(f"line {i}\n" for i in range(2_000))
    new = old.replace("line 1000\n", "line one thousand\n")
    rows = diff_rows(old, new)
    assert [r.kind for r in rows] == ["skip", *["equal"] * 3, "replace", *["equal"] * 3, "skip"]
    assert (rows[0].left, rows[-1].left) == ("997", "996")
    assert len(diff_rows(old, new, context=None)) == 2_000


def test_the_importers_cost_bounds_apply_to_pages_too(alpha, alice):
    """Issue 16's bounds (unclosed "[" and headings), scaled to a wiki page: refused before rendering."""
    from gateway_lab.lessons.services.revisions import MAX_BRACKETS, MAX_HEADINGS, preview_render

    for body in ("![" * (MAX_BRACKETS + 1), "## h\n\n" * (MAX_HEADINGS + 1)):
        with pytest.raises(WikiError):
            lesson_revise(lesson=alpha, body=body, author=alice, base_revision=alpha.revision)
        with pytest.raises(WikiError):
            preview_render(body=body, language="en")
