"""Wiki writes (issue 13): every save is a revision; a save based on an older revision is refused.

``Lesson.revision`` is the optimistic lock: a save names the revision it was based on and the
database row is updated only ``WHERE revision = base_revision``, so two editors who started from the
same revision cannot both win, on SQLite or PostgreSQL, whatever the number of workers. The loser
gets a ``RevisionConflict`` that carries base, theirs and yours for the merge view.

Diffs and merges are computed with difflib on lines, server-side.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import content, importer
from ..importer import _heading_count
from ..models import AuditEntry, Lesson, LessonRevision, Source
from ..rendering import Rendered, render_markdown
from ..rendering.links import LinkTargetError
from ..wiki_selectors import revision_get
from .course import glossary_entries, lesson_render

MAX_BODY_BYTES = 256 * 1024  # a 2,000-line page fits; 16 times the longest course lesson
MAX_BRACKETS = importer.MAX_BRACKETS * (MAX_BODY_BYTES // importer.MAX_NOTE_BYTES)
MAX_HEADINGS = importer.MAX_HEADINGS
MAX_TITLE_CHARS = 200
WIKI_ORDER = 500  # new pages sort after the course (orders < 100) and before imported notes (1000)


class WikiError(Exception):
    """Input the wiki refuses; ``field`` names the form field, ``message`` says why (English, translated by views)."""

    def __init__(self, message: str, *, field: str = "body") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class RevisionConflict(Exception):
    """A save based on revision ``base`` while the lesson is at ``current``: nothing was saved."""

    def __init__(self, *, lesson: Lesson, base: int, current: int, yours: str, yours_title: str) -> None:
        super().__init__(f"{lesson} is at revision {current}, the edit was based on {base}")
        self.lesson = lesson
        self.base = base
        self.current = current
        self.yours = yours
        self.yours_title = yours_title


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of a side-by-side diff: ``kind`` is equal, delete, insert or replace."""

    kind: str
    left_no: int | None
    left: str
    right_no: int | None
    right: str


@dataclass(frozen=True, slots=True)
class MergeChunk:
    """A stretch of a three-way merge: ``kind`` is same, theirs, yours, both (same change) or conflict."""

    kind: str
    base: list[str]
    theirs: list[str]
    yours: list[str]


@dataclass(slots=True)
class Merge:
    chunks: list[MergeChunk] = field(default_factory=list)

    @property
    def conflicts(self) -> int:
        return sum(chunk.kind == "conflict" for chunk in self.chunks)

    @property
    def text(self) -> str:
        """The merged text when there is no conflict (a conflict keeps your side)."""
        out: list[str] = []
        for chunk in self.chunks:
            out.extend(chunk.theirs if chunk.kind == "theirs" else chunk.yours)
        return "".join(out)


# --- Validation and preview ------------------------------------------------------------------------
def body_check(body: str) -> str:
    """Normalise line endings and refuse an empty or oversized body."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    if not body.strip():
        raise WikiError("The page is empty.")
    if len(body.encode()) > MAX_BODY_BYTES:
        raise WikiError(f"The page is larger than {MAX_BODY_BYTES // 1024} KB.")
    # The importer's cost bounds, scaled to the page size (issue 16: unclosed "[" is the costliest input).
    if body.count("[") > MAX_BRACKETS:
        raise WikiError(f"The page has more than {MAX_BRACKETS} '[' characters (links and images).")
    if _heading_count(body.splitlines()) > MAX_HEADINGS:
        raise WikiError(f"The page has more than {MAX_HEADINGS} headings.")
    return body


def title_check(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise WikiError("A page needs a title.", field="title")
    if len(title) > MAX_TITLE_CHARS:
        raise WikiError(f"The title is longer than {MAX_TITLE_CHARS} characters.", field="title")
    return title


def preview_render(*, body: str, language: str) -> Rendered:
    """Render ``body`` exactly as a saved lesson would be (same Markdown, glossary and sanitiser)."""
    body = body_check(body)
    try:
        return render_markdown(body, language=language, glossary=glossary_entries(language=language))
    except LinkTargetError as exc:
        raise WikiError(str(exc)) from exc


# --- Revisions -------------------------------------------------------------------------------------
def revision_baseline(*, lesson: Lesson) -> LessonRevision:
    """Return the revision row for the lesson's current text, recording it first if it has none.

    Lessons loaded from content files or imported notes have a revision number but no history row
    yet: their first wiki edit records that text, so history and diffs start from it.
    """
    found = LessonRevision.objects.filter(lesson=lesson, number=lesson.revision).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return LessonRevision.objects.create(
                lesson=lesson,
                number=lesson.revision,
                title=lesson.title,
                body=lesson.body,
                author=None,
                message=f"from {lesson.get_source_display().lower()}",
            )
    except IntegrityError:  # another request recorded it first
        return LessonRevision.objects.get(lesson=lesson, number=lesson.revision)


@transaction.atomic
def lesson_revise(
    *,
    lesson: Lesson,
    body: str,
    author: AbstractBaseUser | None,
    base_revision: int,
    title: str | None = None,
    message: str = "",
) -> LessonRevision:
    """Save ``body`` as the lesson's next revision if nobody saved since ``base_revision``.

    Raises ``RevisionConflict`` (nothing saved; the caller keeps the editor's text) or ``WikiError``.
    """
    body = body_check(body)
    title = title_check(title if title is not None else lesson.title)
    current = Lesson.objects.filter(pk=lesson.pk).values_list("revision", flat=True).first()
    if current is None:
        raise WikiError("This page no longer exists.")
    if current != base_revision:
        raise RevisionConflict(
            lesson=lesson, base=base_revision, current=current, yours=body, yours_title=title
        )
    revision_baseline(lesson=Lesson.objects.get(pk=lesson.pk))
    number = base_revision + 1
    # The lock: only one save can move the row from base_revision to base_revision + 1.
    won = Lesson.objects.filter(pk=lesson.pk, revision=base_revision).update(
        revision=number,
        body=body,
        title=title,
        source=Source.WIKI,
        source_hash=content.digest(body),
        updated=timezone.localdate(),
        modified_at=timezone.now(),
    )
    if not won:
        current = Lesson.objects.filter(pk=lesson.pk).values_list("revision", flat=True).first() or 0
        raise RevisionConflict(
            lesson=lesson, base=base_revision, current=current, yours=body, yours_title=title
        )
    revision = LessonRevision.objects.create(
        lesson_id=lesson.pk, number=number, title=title, body=body, author=author, message=message[:300]
    )
    lesson.refresh_from_db()
    _render_or_refuse(lesson)  # a bad link refuses the save (the transaction rolls back)
    return revision


def _render_or_refuse(lesson: Lesson) -> None:
    try:
        lesson_render(lesson=lesson)
    except LinkTargetError as exc:
        raise WikiError(str(exc)) from exc


@transaction.atomic
def lesson_create(
    *,
    slug: str,
    language: str,
    title: str,
    body: str,
    author: AbstractBaseUser | None,
    message: str = "",
    summary: str = "",
    order: int | None = None,
) -> Lesson:
    """Create a wiki page (revision 1). Its other language, if any, shares the slug: a translation."""
    if language not in content.LANGUAGES:
        raise WikiError("Unknown language.", field="language")
    if not slug or len(slug) > 100 or not all(c.isascii() and (c.isalnum() or c in "-_") for c in slug):
        raise WikiError("Use letters, digits, hyphens and underscores only.", field="slug")
    body, title = body_check(body), title_check(title)
    if Lesson.objects.filter(slug=slug, language=language).exists():
        raise WikiError("A page with this address already exists in this language.", field="slug")
    sibling = Lesson.objects.filter(slug=slug).exclude(language=language).first()
    lesson = Lesson.objects.create(
        slug=slug,
        language=language,
        title=title,
        summary=summary,
        order=order if order is not None else (sibling.order if sibling else WIKI_ORDER),
        presets=list(sibling.presets) if sibling else [],
        body=body,
        revision=1,
        source=Source.WIKI,
        source_hash=content.digest(body),
        updated=timezone.localdate(),
    )
    LessonRevision.objects.create(
        lesson=lesson, number=1, title=title, body=body, author=author, message=message[:300]
    )
    _render_or_refuse(lesson)
    return lesson


def revision_restore(
    *, lesson: Lesson, number: int, author: AbstractBaseUser | None, base_revision: int
) -> LessonRevision:
    """Save revision ``number``'s text as a new revision (history is never rewritten); audited."""
    old = LessonRevision.objects.filter(lesson=lesson, number=number).first()
    if old is None:
        raise WikiError("No such revision.", field="number")
    with transaction.atomic():
        revision = lesson_revise(
            lesson=lesson,
            body=old.body,
            title=old.title,
            author=author,
            base_revision=base_revision,
            message=f"Restored revision {number}",
        )
        AuditEntry.objects.create(
            action=AuditEntry.RESTORE,
            actor=author if author is not None and author.is_authenticated else None,
            target=f"lesson {lesson.slug} ({lesson.language})",
            detail=f"revision {number} restored as revision {revision.number}",
        )
    return revision


def revision_text(*, lesson: Lesson, number: int) -> LessonRevision | None:
    """Revision ``number``'s text (``wiki_selectors.revision_get``)."""
    return revision_get(lesson=lesson, number=number)


# --- Diff and merge --------------------------------------------------------------------------------
def diff_rows(old: str, new: str, *, context: int | None = 3) -> list[DiffRow]:
    """Side-by-side rows from ``old`` to ``new`` (line numbers 1-based).

    Runs of unchanged lines longer than ``2 * context`` keep ``context`` lines on each side of a
    change and become one ``skip`` row (``left`` holds the number of lines left out), as code
    review tools show them; ``context=None`` keeps every line.
    """
    rows = _diff_rows(old, new)
    return rows if context is None else _collapse(rows, context)


def _collapse(rows: list[DiffRow], context: int) -> list[DiffRow]:
    out: list[DiffRow] = []
    start = 0
    while start < len(rows):
        if rows[start].kind != "equal":
            out.append(rows[start])
            start += 1
            continue
        end = start
        while end < len(rows) and rows[end].kind == "equal":
            end += 1
        keep_head = context if start > 0 else 0
        keep_tail = context if end < len(rows) else 0
        if end - start > keep_head + keep_tail:
            out.extend(rows[start : start + keep_head])
            out.append(DiffRow("skip", None, str(end - start - keep_head - keep_tail), None, ""))
            out.extend(rows[end - keep_tail : end])
        else:
            out.extend(rows[start:end])
        start = end
    return out


def _diff_rows(old: str, new: str) -> list[DiffRow]:
    a, b = old.splitlines(), new.splitlines()
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(
                DiffRow("equal", i + 1, a[i], j + 1, b[j])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        width = max(i2 - i1, j2 - j1)
        for offset in range(width):
            i, j = i1 + offset, j1 + offset
            left = (i + 1, a[i]) if i < i2 else (None, "")
            right = (j + 1, b[j]) if j < j2 else (None, "")
            rows.append(DiffRow(tag, left[0], left[1], right[0], right[1]))
    return rows


def diff_unified(old: str, new: str, *, old_name: str, new_name: str) -> list[tuple[str, str]]:
    """Unified diff lines as (kind, text): kind is head, hunk, add, del or context."""
    lines = []
    for line in difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile=old_name, tofile=new_name, lineterm=""
    ):
        if line.startswith(("---", "+++")):
            kind = "head"
        elif line.startswith("@@"):
            kind = "hunk"
        else:
            kind = {"+": "add", "-": "del"}.get(line[:1], "context")
        lines.append((kind, line))
    return lines


def _matches(base: list[str], other: list[str]) -> dict[int, int]:
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return {a + k: b + k for a, b, size in matcher.get_matching_blocks() for k in range(size)}


def merge_three(*, base: str, theirs: str, yours: str) -> Merge:
    """A diff3-style merge: stretches both sides changed differently are conflicts."""
    b, t, y = (text.splitlines(keepends=True) for text in (base, theirs, yours))
    for lines in (b, t, y):  # a last line without "\n" must still compare equal to one with it
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
    mt, my = _matches(b, t), _matches(b, y)
    merge = Merge()
    i = j = k = 0
    while True:
        sync = next((m for m in range(i, len(b)) if m in mt and m in my and mt[m] >= j and my[m] >= k), None)
        end_b, end_t, end_y = (len(b), len(t), len(y)) if sync is None else (sync, mt[sync], my[sync])
        chunk_b, chunk_t, chunk_y = b[i:end_b], t[j:end_t], y[k:end_y]
        if chunk_b or chunk_t or chunk_y:
            if chunk_t == chunk_y:
                kind = "both"
            elif chunk_t == chunk_b:
                kind = "yours"
            elif chunk_y == chunk_b:
                kind = "theirs"
            else:
                kind = "conflict"
            merge.chunks.append(MergeChunk(kind, chunk_b, chunk_t, chunk_y))
        if sync is None:
            break
        same: list[str] = []
        while (
            sync < len(b)
            and sync in mt
            and sync in my
            and mt[sync] == end_t + len(same)
            and my[sync] == end_y + len(same)
        ):
            same.append(b[sync])
            sync += 1
        merge.chunks.append(MergeChunk("same", same, same, same))
        i, j, k = sync, end_t + len(same), end_y + len(same)
    return merge


def conflict_merge(conflict: RevisionConflict) -> Merge:
    """The three-way merge for a refused save: base is the revision the editor started from."""
    base = revision_text(lesson=conflict.lesson, number=conflict.base)
    theirs = Lesson.objects.get(pk=conflict.lesson.pk)
    return merge_three(base=base.body if base else "", theirs=theirs.body, yours=conflict.yours)
