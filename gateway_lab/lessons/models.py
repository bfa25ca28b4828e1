"""Lessons (one row per language), their search index, glossary, drills and learner progress.

A lesson stores its Markdown body and a revision number; the rendered HTML is stored beside it,
so a page view never re-renders Markdown. ``source`` records where the current revision came
from: ``load_lessons`` only overwrites lessons whose revision came from a content file, so a
later wiki edit is never clobbered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Source(models.TextChoices):
    FILE = "file", "Content file"
    IMPORT = "import", "Imported note"
    WIKI = "wiki", "Wiki edit"


class Lesson(models.Model):
    slug = models.SlugField(max_length=100)
    language = models.CharField(max_length=10)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=100)
    presets = models.JSONField(default=list, blank=True)
    facts = models.JSONField(default=list, blank=True)
    updated = models.DateField(null=True, blank=True)
    # Front matter keys we do not model (imported notes: date, tags, categories, anything else).
    meta = models.JSONField(default=dict, blank=True)
    body = models.TextField()
    revision = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FILE)
    source_path = models.CharField(max_length=500, blank=True)
    source_hash = models.CharField(max_length=64, blank=True)
    html = models.TextField(blank=True)
    toc = models.JSONField(default=list, blank=True)
    reading_minutes = models.PositiveIntegerField(default=1)
    rendered_with = models.CharField(max_length=64, blank=True)  # glossary + renderer fingerprint
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("order", "slug", "language")
        constraints = [models.UniqueConstraint(fields=("slug", "language"), name="lesson_slug_language")]
        # Previous/next lesson is an index range scan on (source, order, slug), flat in the course size (issue 17).
        indexes = [models.Index(fields=("source", "order", "slug"), name="lesson_course_order")]

    def __str__(self) -> str:
        return f"{self.slug} ({self.language})"


class LessonRevision(models.Model):
    """One saved version of a lesson (wiki history): ``number`` matches ``Lesson.revision`` when saved."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("lesson", "-number")
        constraints = [models.UniqueConstraint(fields=("lesson", "number"), name="lesson_revision_number")]

    def __str__(self) -> str:
        return f"{self.lesson} r{self.number}"


class LessonAttachment(models.Model):
    """An image uploaded for wiki pages, stored under MEDIA_ROOT and served only as that image type."""

    slug = models.SlugField(max_length=100)  # the page it was uploaded from (both languages share it)
    file = models.FileField(upload_to="wiki/")
    name = models.CharField(max_length=200)  # the uploader's file name, for display only
    content_type = models.CharField(max_length=40)  # from the file's bytes, never from the upload
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return f"{self.slug}: {self.name}"


class AuditEntry(models.Model):
    """Who changed a role or restored a revision, and when (shown read-only in the admin)."""

    ROLE_ADDED = "role_added"
    ROLE_REMOVED = "role_removed"
    RESTORE = "restore"
    ACTIONS = ((ROLE_ADDED, "Role added"), (ROLE_REMOVED, "Role removed"), (RESTORE, "Revision restored"))

    action = models.CharField(max_length=20, choices=ACTIONS)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.CharField(max_length=200)  # "user alice" or "lesson caching (en)"
    detail = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return f"{self.action}: {self.target}"


class LessonSection(models.Model):
    """One heading's text: the search index (CJK has no word boundaries, so we search substrings)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField(default=2)
    anchor = models.CharField(max_length=120)
    heading = models.CharField(max_length=300)
    text = models.TextField()

    class Meta:
        ordering = ("lesson", "position")

    def __str__(self) -> str:
        return f"{self.lesson}#{self.anchor}"


class GlossaryTerm(models.Model):
    key = models.SlugField(max_length=100, unique=True)
    terms = models.JSONField(default=dict)  # language -> term as written in that language
    definitions = models.JSONField(default=dict)  # language -> definition
    lesson = models.CharField(max_length=200, blank=True)  # "slug#anchor"
    # language -> other names for the term (AWS's own zh-CN wording, …): search finds them too.
    aliases = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.key


class Difficulty(models.TextChoices):
    EASY = "easy", "easy"
    MEDIUM = "medium", "medium"
    HARD = "hard", "hard"


class Drill(models.Model):
    drill_id = models.SlugField(max_length=120, unique=True)
    lesson_slug = models.SlugField(max_length=100)
    section = models.CharField(max_length=120, blank=True)
    preset = models.CharField(max_length=100, blank=True)
    fact = models.CharField(max_length=20, blank=True)
    multiple = models.BooleanField(default=False)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    question = models.JSONField(default=dict)  # language -> text
    options = models.JSONField(default=list)  # [{"text": {...}, "correct": bool, "explanation": {...}}]
    position = models.PositiveIntegerField(default=0)
    source_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ("lesson_slug", "position")

    def __str__(self) -> str:
        return self.drill_id


class LearnerOwned(models.Model):
    """Progress belongs to a browser (a learner id kept in the session) and, once signed in, a user."""

    learner = models.CharField(max_length=40, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        abstract = True


class SectionRead(LearnerOwned):
    lesson_slug = models.SlugField(max_length=100)
    anchor = models.CharField(max_length=120)
    read_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.lesson_slug}#{self.anchor}"


class DrillAnswer(LearnerOwned):
    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="answers")
    chosen = models.JSONField(default=list)  # option indexes
    correct = models.BooleanField()
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-answered_at", "-id")

    def __str__(self) -> str:
        return f"{self.drill_id}: {'right' if self.correct else 'wrong'}"
