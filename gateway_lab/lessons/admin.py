"""Django admin for the wiki (issue 13): lessons with their revisions, sections, drills, glossary, audit log.

The user admin is Django's own, wrapped so that role (group) changes are audited with their actor
and nobody but a superuser can change their own groups, permissions or staff flags.

A lesson's change form carries the revision it was opened at, like the wiki editor: a save based on
an older revision is refused (nothing saved, the admin's text kept in the form, a link to what
changed), and saving again from that form replaces the newer revision knowingly.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from .models import AuditEntry, Drill, GlossaryTerm, Lesson, LessonRevision, LessonSection, Source
from .roles import current_actor


class RevisionInline(admin.TabularInline):
    model = LessonRevision
    fields = ("number", "title", "author", "created", "message")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-number",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LessonAdminForm(forms.ModelForm):
    """The lesson form with the revision it was opened at (``base_revision``, hidden)."""

    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["base_revision"].initial = self.instance.revision

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        base = cleaned.get("base_revision")
        rows = Lesson.objects.filter(pk=self.instance.pk)
        if connection.in_atomic_block:  # the admin saves in one transaction: hold the row until then
            rows = rows.select_for_update()
        current = rows.values_list("revision", flat=True).first()
        if current is not None and base != current:
            self._refuse(base, current)
        return cleaned

    def _refuse(self, base: int | None, current: int) -> None:
        """Nothing is saved; the form keeps the admin's text and now carries the current revision,
        so saving again (after looking at what changed) replaces it knowingly."""
        lesson = self.instance
        diff = reverse("lessons:diff", args=[lesson.slug])
        data = self.data.copy()
        data["base_revision"] = str(current)
        self.data = data
        raise forms.ValidationError(
            format_html(
                '{} <a href="{}?lang={}&amp;a={}&amp;b={}">{}</a>',
                _(
                    "Someone saved this page (revision %(current)s) after you opened it at revision "
                    "%(base)s. Nothing was saved and your text is kept below. Look at what changed, "
                    "merge it into your text, then save again to replace their revision."
                )
                % {"current": current, "base": base if base is not None else "?"},
                diff,
                lesson.language,
                base if base else current,
                current,
                _("See what changed"),
            ),
            code="stale_revision",
        )


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonAdminForm
    list_display = ("slug", "language", "title", "source", "revision", "order", "modified_at")
    list_filter = ("language", "source")
    search_fields = ("slug", "title", "summary", "body")
    ordering = ("order", "slug", "language")
    readonly_fields = (
        "translations",
        "revision",
        "html",
        "toc",
        "rendered_with",
        "source_hash",
        "modified_at",
    )
    inlines = [RevisionInline]

    @admin.display(description="Translations side by side")
    def translations(self, obj: Lesson) -> str:
        """Every language of this page in columns: title, summary and the start of the Markdown."""
        versions = list(Lesson.objects.filter(slug=obj.slug).order_by("language")) if obj.pk else []
        if len(versions) < 2:
            return "—"
        cells = format_html_join(
            "",
            '<td style="vertical-align:top;width:50%"><strong>{} · <a href="{}">{}</a></strong>'
            '<p>{}</p><pre style="white-space:pre-wrap;max-height:20em;overflow:auto">{}</pre></td>',
            (
                (
                    v.language,
                    reverse("admin:lessons_lesson_change", args=[v.pk]),
                    v.title,
                    v.summary,
                    v.body[:3000],
                )
                for v in versions
            ),
        )
        return format_html('<table style="width:100%"><tr>{}</tr></table>', cells)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The check and the save are one transaction. On PostgreSQL the check locks the lesson's row,
        so a wiki save made meanwhile waits and is then refused by its own lock. SQLite (WAL) has no
        row locks: it refuses the admin's write when another connection committed since the check
        ("database is locked", SQLITE_BUSY_SNAPSHOT), and the service's lock raises ``RevisionConflict``
        if a save slipped in anyway. Either way the admin's save is rolled back and the form checked
        again, which now refuses it as stale (with the admin's text kept).
        """
        from .services.revisions import RevisionConflict

        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RevisionConflict:
            pass
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Lesson, form: Any, change: bool) -> None:
        """An admin edit of the text is a wiki revision too (through the service, with its lock),
        based on the revision the form was opened at."""
        from .services.revisions import lesson_revise

        if change and {"body", "title"} & set(form.changed_data):
            saved = Lesson.objects.get(pk=obj.pk)
            body, title = obj.body, obj.title
            obj.body, obj.title = saved.body, saved.title
            super().save_model(request, obj, form, change)
            base = form.cleaned_data.get("base_revision")
            lesson_revise(
                lesson=obj, body=body, title=title, author=request.user,
                base_revision=saved.revision if base is None else base, message="edited in the admin",
            )  # fmt: skip
            obj.refresh_from_db()
            return
        if not change:
            obj.source = obj.source or Source.WIKI
        super().save_model(request, obj, form, change)
        if not change:
            from .services.course import lesson_render

            lesson_render(lesson=obj)


@admin.register(LessonRevision)
class LessonRevisionAdmin(admin.ModelAdmin):
    list_display = ("lesson", "number", "title", "author", "created", "message")
    list_filter = ("lesson__language", "created")
    search_fields = ("lesson__slug", "title", "message", "author__username", "body")
    readonly_fields = ("lesson", "number", "title", "body", "author", "created", "message")
    list_select_related = ("lesson", "author")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LessonSection)
class LessonSectionAdmin(admin.ModelAdmin):
    list_display = ("lesson", "position", "level", "heading")
    list_filter = ("lesson__language", "level")
    search_fields = ("heading", "text", "lesson__slug")
    list_select_related = ("lesson",)


@admin.register(Drill)
class DrillAdmin(admin.ModelAdmin):
    list_display = ("drill_id", "lesson_slug", "section", "difficulty", "multiple", "preset")
    list_filter = ("difficulty", "multiple", "lesson_slug")
    search_fields = ("drill_id", "lesson_slug", "question")


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ("key", "term_en", "term_zh", "lesson")
    search_fields = ("key", "terms", "definitions", "aliases")

    @admin.display(description="English")
    def term_en(self, obj: GlossaryTerm) -> str:
        return obj.terms.get("en", "")

    @admin.display(description="简体中文")
    def term_zh(self, obj: GlossaryTerm) -> str:
        return obj.terms.get("zh-hans", "")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created", "action", "actor", "target", "detail")
    list_filter = ("action", "created")
    search_fields = ("target", "detail", "actor__username")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Users: audited role changes, no raising your own role ----------------------------------------
User = get_user_model()
_BaseUserAdmin = type(admin.site._registry[User]) if admin.site.is_registered(User) else admin.ModelAdmin
_SELF_LOCKED = ("groups", "user_permissions", "is_staff", "is_superuser")


class AuditedUserAdmin(_BaseUserAdmin):  # type: ignore[misc,valid-type]
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            return fields + _SELF_LOCKED
        return fields

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        token = current_actor.set(request.user)
        try:
            super().save_related(request, form, formsets, change)
        finally:
            current_actor.reset(token)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
