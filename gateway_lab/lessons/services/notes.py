"""Import study notes (Hexo/Jekyll Markdown) as lessons, one transaction per file.

One bad file never stops the others: every file gets its own result, and a file that fails saves
nothing (its transaction is rolled back). A batch can be given a time budget (the upload form does):
files left when it is spent are reported as not imported rather than keeping a worker busy.

Images a note names with Hexo's ``{% asset_img %}``/``{% asset_link %}``/``{% asset_path %}`` are
looked up beside it (``<note-name>/diagram.png``, Hexo's ``post_asset_folder``, then the note's own
folder) among the uploaded files, the zip's entries or on disk, and become wiki attachments with
the attachment rules (type from the bytes, 2 MB). Each image is stored once per page: importing
the same note again reuses it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import posixpath
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.urls import reverse

from .. import content
from ..hexo import AssetError, Notice
from ..importer import MAX_NOTE_BYTES, ImportedNote, note_convert
from ..models import Lesson, LessonAttachment, Source
from ..rendering import Rendered, render_markdown
from ..rendering.links import LinkTargetError
from .attachments import MAX_ATTACHMENT_BYTES, attachment_add, image_type
from .course import lesson_render

# Reads one asset file by its path (as the note's name is written: in the zip, uploaded, on disk);
# None when there is no such file. It returns at most MAX_ATTACHMENT_BYTES + 1 bytes.
AssetLookup = Callable[[str], bytes | None]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportResult:
    name: str
    ok: bool
    slug: str = ""
    language: str = ""
    title: str = ""
    action: str = ""  # "created" | "updated" | "unchanged"
    counts: dict[str, int] = field(default_factory=dict)
    error: str = ""
    line: int = 0
    notices: tuple[Notice, ...] = ()  # unknown Hexo tags, images not found or not attachable


def _import_slug(note: ImportedNote) -> str:
    # A note never overwrites a course or wiki lesson: it takes a "notes-" slug instead.
    taken = (
        Lesson.objects.filter(slug=note.slug, language=note.language).exclude(source=Source.IMPORT).exists()
    )
    return f"notes-{note.slug}"[:100] if taken else note.slug


def _link_line(note: ImportedNote, error: LinkTargetError) -> int:
    """The file's line of a bad link: where its target is written, else where its paragraph starts."""
    for number, line in enumerate(note.source.splitlines()):
        if error.href in line:
            return note.body_line + number
    return note.body_line + error.line


def _render(note: ImportedNote, *, name: str) -> Rendered:
    """Render the note once before anything is saved: a bad link fails the file, not the request."""
    try:
        return render_markdown(note.body, language=note.language)
    except LinkTargetError as exc:
        raise content.ContentError(name, _link_line(note, exc), str(exc)) from exc


class _Assets:
    """The images one note names: checked while the note is converted, stored when it is saved."""

    def __init__(self, note_name: str, lookup: AssetLookup | None) -> None:
        path = note_name.replace("\\", "/")
        self.folder = posixpath.dirname(path)
        self.stem = posixpath.splitext(posixpath.basename(path))[0]
        self.lookup = lookup
        self.found: dict[str, bytes] = {}  # the name as written in the note → the file's bytes

    @staticmethod
    def token(index: int) -> str:
        """What the converted body holds until the attachment's URL is known (``attach``)."""
        return f"hexo-asset-{index}.invalid"

    def _read(self, ref: str) -> bytes | None:
        clean = posixpath.normpath(ref.replace("\\", "/"))
        if self.lookup is None or clean.startswith(("../", "/")) or clean in ("..", "."):
            return None  # an asset is beside the note, never above it
        for candidate in (posixpath.join(self.folder, self.stem, clean), posixpath.join(self.folder, clean)):
            data = self.lookup(candidate)
            if data is not None:
                return data
        return None

    def resolve(self, ref: str) -> str:
        if ref not in self.found:
            data = self._read(ref)
            if data is None:
                raise AssetError("asset_missing")
            if len(data) > MAX_ATTACHMENT_BYTES:
                raise AssetError("asset_too_big")
            if image_type(data) is None:
                raise AssetError("asset_not_image")
            self.found[ref] = data
        return self.token(list(self.found).index(ref))

    def fingerprint(self) -> str:
        return "".join(hashlib.sha256(data).hexdigest() for data in self.found.values())

    def attach(self, body: str, *, slug: str, created: list[LessonAttachment]) -> str:
        """Store each image once per page (the same bytes are reused) and put its URL in the body."""
        for index, (ref, data) in enumerate(self.found.items()):
            sha256 = hashlib.sha256(data).hexdigest()
            attachment = LessonAttachment.objects.filter(slug=slug, sha256=sha256).first()
            if attachment is None:
                attachment = attachment_add(slug=slug, name=posixpath.basename(ref), data=data, author=None)
                created.append(attachment)
            body = body.replace(self.token(index), reverse("lessons:attachment", args=[attachment.pk]))
        return body


@transaction.atomic
def _save_note(
    note: ImportedNote, *, name: str, assets: _Assets, created: list[LessonAttachment]
) -> ImportResult:
    slug = _import_slug(note)
    source_hash = (
        content.digest((note.digest + assets.fingerprint()).encode()) if assets.found else note.digest
    )
    lesson = Lesson.objects.filter(slug=slug, language=note.language).first()
    action = (
        "unchanged" if lesson and lesson.source_hash == source_hash else ("updated" if lesson else "created")
    )
    if action != "unchanged":
        note = dataclasses.replace(note, body=assets.attach(note.body, slug=slug, created=created))
    rendered = _render(note, name=name)
    lesson = lesson or Lesson(slug=slug, language=note.language, order=1000, revision=0, source=Source.IMPORT)
    if action != "unchanged":
        lesson.title, lesson.body, lesson.revision = note.title, note.body, lesson.revision + 1
        lesson.meta = {**note.meta, "key_terms": note.key_terms}
        lesson.updated = note.updated
        lesson.summary = note.excerpt or lesson.summary
        lesson.source_path, lesson.source_hash = name, source_hash
        lesson.save()
        lesson_render(lesson=lesson)
    counts = {
        **rendered.counts,
        "sections": len(rendered.sections),
        "key_terms": len(note.key_terms),
        **({"images": len(assets.found)} if assets.found else {}),
    }
    return ImportResult(
        name=name,
        ok=True,
        slug=slug,
        language=note.language,
        title=note.title,
        action=action,
        counts=counts,
        notices=note.notices,
    )


def notes_import(*, name: str, data: bytes, assets: AssetLookup | None = None) -> ImportResult:
    """Import one note file; on any error nothing from it is saved and the result says where.

    ``assets`` reads the files shipped with the note (see ``AssetLookup``); without it, images the
    note names are reported as missing.
    """
    created: list[LessonAttachment] = []
    try:
        found = _Assets(name, assets)
        note = note_convert(data, name=name, resolve=found.resolve)
        return _save_note(note, name=name, assets=found, created=created)
    except content.ContentError as exc:
        _discard(created)
        return ImportResult(name=name, ok=False, error=exc.message, line=exc.line)
    except Exception as exc:  # one unexpected failure must not stop the other files of a batch
        _discard(created)
        logger.exception("importing note %s failed", name)
        return ImportResult(name=name, ok=False, error=f"could not be imported ({exc.__class__.__name__})")


def _discard(created: list[LessonAttachment]) -> None:
    """Remove the image files of a note whose transaction was rolled back (their rows are gone)."""
    for attachment in created:
        attachment.file.delete(save=False)


def is_note(name: str) -> bool:
    return name.lower().endswith(NOTE_SUFFIXES)


def files_lookup(files: dict[str, bytes]) -> AssetLookup:
    """Look assets up among uploaded files or zip entries by path; an upload's name is its path."""
    normalised = {posixpath.normpath(key.replace("\\", "/")): data for key, data in files.items()}
    return lambda path: normalised.get(posixpath.normpath(path))


def notes_import_files(
    *, files: list[tuple[str, bytes]], budget_s: float | None = None
) -> list[ImportResult]:
    """Import ``(name, data)`` pairs in order, one result each; stop starting files after ``budget_s``.

    Files that are not notes (``NOTE_SUFFIXES``) are the notes' assets: images they name.
    """
    started = time.monotonic()
    results = []
    lookup = files_lookup({name: data for name, data in files if not is_note(name)})
    for name, data in files:
        if not is_note(name):
            continue
        if budget_s is not None and time.monotonic() - started > budget_s:
            results.append(
                ImportResult(
                    name=name,
                    ok=False,
                    error=f"not imported: this upload used its {budget_s:g} s; upload the rest again",
                )
            )
            continue
        results.append(notes_import(name=name, data=data, assets=lookup))
    return results


def _disk_lookup(path: str) -> bytes | None:
    file = Path(path)
    if not file.is_file():
        return None
    with file.open("rb") as handle:
        return handle.read(MAX_ATTACHMENT_BYTES + 1)  # one byte over the limit: refused by size


NOTE_SUFFIXES = (".md", ".markdown", ".txt")


def notes_import_paths(*, paths: list[Path]) -> list[ImportResult]:
    """Import files and folders (recursively: .md, .markdown, .txt); one result per file."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in NOTE_SUFFIXES)
            )
        else:
            files.append(path)
    results = []
    for path in files:
        try:
            # Read no more than one byte past the limit: note_convert then refuses the file by size.
            with path.open("rb") as handle:
                data = handle.read(MAX_NOTE_BYTES + 1)
        except OSError as exc:
            results.append(
                ImportResult(name=str(path), ok=False, error=f"cannot read: {exc.strerror}", line=0)
            )
            continue
        results.append(notes_import(name=str(path), data=data, assets=_disk_lookup))
    return results
