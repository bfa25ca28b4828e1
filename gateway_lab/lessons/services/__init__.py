"""Writes (HackSoft services): keyword-only functions that views and commands call."""

from __future__ import annotations

from .course import (
    SyncReport,
    drill_sync,
    glossary_entries,
    glossary_sync,
    lesson_render,
    lesson_sync_from_files,
)
from .notes import ImportResult, notes_import, notes_import_paths
from .progress import drill_answer, progress_merge, section_mark_read
from .revisions import RevisionConflict, WikiError, lesson_create, lesson_revise, revision_restore

__all__ = [
    "ImportResult",
    "RevisionConflict",
    "SyncReport",
    "WikiError",
    "drill_answer",
    "drill_sync",
    "glossary_entries",
    "glossary_sync",
    "lesson_create",
    "lesson_render",
    "lesson_revise",
    "lesson_sync_from_files",
    "notes_import",
    "notes_import_paths",
    "progress_merge",
    "revision_restore",
    "section_mark_read",
]
