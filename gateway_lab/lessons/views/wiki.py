"""The team wiki (issue 13): edit with live preview, history, any-two diff, restore, new pages, zip export/import.

Views are thin: forms validate, ``services.revisions``/``services.wiki_io`` write, templates under
``lessons/wiki/`` render. A refused save (someone saved since) answers 409 with the merge view and
the editor's text kept. Permissions: reading follows ``roles.can_read``; editing needs
``lessons.change_lesson``, creating and importing ``lessons.add_lesson``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gateway_lab.engine import list_presets

from .. import content
from ..models import Lesson
from ..roles import can_create, can_edit, can_read
from ..services.revisions import (
    RevisionConflict,
    WikiError,
    conflict_merge,
    diff_rows,
    diff_unified,
    lesson_create,
    lesson_revise,
    preview_render,
    revision_restore,
)
from ..services.wiki_io import SETS, export_lessons, export_zip, import_zip
from ..wiki_forms import EditForm, ImportZipForm, NewPageForm
from ..wiki_selectors import page_any_language, page_get, revision_get, revision_history
from .pages import current_language

WIKI_ERRORS = {  # the services' messages, translated here so the catalogue has them
    "The page is empty.": lambda: _("The page is empty."),
    "A page needs a title.": lambda: _("A page needs a title."),
    "Unknown language.": lambda: _("Unknown language."),
    "Use letters, digits, hyphens and underscores only.": lambda: _(
        "Use letters, digits, hyphens and underscores only."
    ),
    "A page with this address already exists in this language.": lambda: _(
        "A page with this address already exists in this language."
    ),
    "No such revision.": lambda: _("No such revision."),
    "This is not a zip file.": lambda: _("This is not a zip file."),
}


DIFF_CONTEXT = 3  # unchanged lines shown around each change (``?full=1`` shows every line)


def _message(exc: WikiError) -> str:
    translate = WIKI_ERRORS.get(exc.message)
    return translate() if translate else exc.message


def _guard(allowed: Callable[[Any], bool]) -> Callable:
    """Anonymous visitors who may not: sign in first; signed-in users who may not: 403."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if allowed(request.user):
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied

        return wrapped

    return decorate


reader_required = _guard(can_read)
editor_required = _guard(can_edit)
creator_required = _guard(can_create)


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang") or request.POST.get("lang") or ""
    return wanted if wanted in content.LANGUAGES else current_language()


def _lesson(slug: str, language: str) -> Lesson:
    lesson = page_get(slug=slug, language=language)
    if lesson is None:
        raise Http404("No such page in this language")
    return lesson


def _edit_context(lesson: Lesson, form: EditForm, **extra: Any) -> dict[str, Any]:
    return {"lesson": lesson, "form": form, "language": lesson.language, "presets": _preset_names(), **extra}


def _preset_names() -> list[str]:
    return [preset["name"] for preset in list_presets()]


# --- Editing ---------------------------------------------------------------------------------------
@editor_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit a page; a stale save gets 409 and the merge view, with the editor's text kept.

    Template: ``lessons/wiki/edit.html`` (``lessons/wiki/merge.html`` on a conflict).
    """
    lesson = _lesson(slug, _language(request))
    if request.method == "GET":
        form = EditForm(
            initial={"title": lesson.title, "body": lesson.body, "base_revision": lesson.revision}
        )
        return render(request, "lessons/wiki/edit.html", _edit_context(lesson, form))
    form = EditForm(request.POST)
    if not form.is_valid():
        return render(request, "lessons/wiki/edit.html", _edit_context(lesson, form), status=400)
    data = form.cleaned_data
    try:
        lesson_revise(
            lesson=lesson,
            body=data["body"],
            title=data["title"],
            author=request.user,
            base_revision=data["base_revision"],
            message=data["message"],
        )
    except RevisionConflict as conflict:
        lesson.refresh_from_db()
        merge = conflict_merge(conflict)
        form = EditForm(
            initial={
                "title": conflict.yours_title,
                "body": conflict.yours,
                "message": data["message"],
                "base_revision": conflict.current,
            }
        )
        context = _edit_context(lesson, form, conflict=conflict, merge=merge)
        return render(request, "lessons/wiki/merge.html", context, status=409)
    except WikiError as exc:
        form.add_error(exc.field if exc.field in form.fields else "body", _message(exc))
        return render(request, "lessons/wiki/edit.html", _edit_context(lesson, form), status=400)
    return redirect(f"{reverse('lessons:detail', args=[lesson.slug])}?lang={lesson.language}")


@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The live preview (htmx): the body rendered and sanitised exactly as a saved page.

    Template: ``lessons/wiki/_preview.html``.
    """
    if not (can_edit(request.user) or can_create(request.user)):
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("lessons:course"))
        raise PermissionDenied
    language = _language(request)
    body = request.POST.get("body", "")
    try:
        rendered = preview_render(body=body, language=language) if body.strip() else None
        error = ""
    except WikiError as exc:
        rendered, error = None, _message(exc)
    return render(
        request,
        "lessons/wiki/_preview.html",
        {"html": rendered.html if rendered else "", "error": error, "language": language},
        status=400 if error else 200,
    )


@creator_required
@require_http_methods(["GET", "POST"])
def new_page(request: HttpRequest) -> HttpResponse:
    """Create a page; ``?translation_of=<slug>&lang=<language>`` starts its other language.

    Template: ``lessons/wiki/new.html``.
    """
    if request.method == "GET":
        source = page_any_language(slug=request.GET.get("translation_of", ""))
        initial = {"language": _language(request)}
        if source is not None:
            initial.update({"slug": source.slug, "title": source.title, "body": source.body})
        context = {"form": NewPageForm(initial=initial), "presets": _preset_names()}
        return render(request, "lessons/wiki/new.html", context)
    form = NewPageForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            lesson = lesson_create(
                slug=data["slug"],
                language=data["language"],
                title=data["title"],
                body=data["body"],
                author=request.user,
                message=data["message"],
            )
        except WikiError as exc:
            form.add_error(exc.field if exc.field in form.fields else "body", _message(exc))
        else:
            return redirect(f"{reverse('lessons:detail', args=[lesson.slug])}?lang={lesson.language}")
    return render(request, "lessons/wiki/new.html", {"form": form, "presets": _preset_names()}, status=400)


# --- History ---------------------------------------------------------------------------------------
@reader_required
@require_GET
def history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every revision, newest first, with a form to compare any two. Template: ``lessons/wiki/history.html``."""
    lesson = _lesson(slug, _language(request))
    revisions = revision_history(lesson=lesson)
    context = {"lesson": lesson, "revisions": revisions, "can_edit": can_edit(request.user)}
    return render(request, "lessons/wiki/history.html", context)


@reader_required
@require_GET
def revision(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """An old revision, rendered. Template: ``lessons/wiki/revision.html``."""
    lesson = _lesson(slug, _language(request))
    found = revision_get(lesson=lesson, number=number)
    if found is None:
        raise Http404("No such revision")
    html = preview_render(body=found.body, language=lesson.language).html
    context = {"lesson": lesson, "revision": found, "html": html, "can_edit": can_edit(request.user)}
    return render(request, "lessons/wiki/revision.html", context)


@reader_required
@require_GET
def diff(request: HttpRequest, slug: str) -> HttpResponse:
    """The difference between any two revisions ``?a=&b=`` (``mode=side`` or ``unified``).

    htmx requests get only the diff (partial ``diff``). Template: ``lessons/wiki/diff.html``.
    """
    lesson = _lesson(slug, _language(request))
    try:
        a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        return render(
            request,
            "lessons/wiki/diff.html",
            {"lesson": lesson, "error": _("Pick two revisions.")},
            status=400,
        )
    old, new = revision_get(lesson=lesson, number=a), revision_get(lesson=lesson, number=b)
    if old is None or new is None:
        raise Http404("No such revision")
    mode = "unified" if request.GET.get("mode") == "unified" else "side"
    context = {"lesson": lesson, "a": old, "b": new, "mode": mode}
    if mode == "side":
        context["full"] = request.GET.get("full") == "1"
        context["rows"] = diff_rows(old.body, new.body, context=None if context["full"] else DIFF_CONTEXT)
    else:
        context["lines"] = diff_unified(old.body, new.body, old_name=f"r{a}", new_name=f"r{b}")
    template = "lessons/wiki/diff.html#diff" if request.htmx else "lessons/wiki/diff.html"
    return render(request, template, context)


@editor_required
@require_POST
def restore(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Save an old revision's text as a new revision (audited); a stale form gets 409."""
    lesson = _lesson(slug, _language(request))
    try:
        base = int(request.POST.get("base_revision", ""))
    except ValueError:
        base = -1
    try:
        revision_restore(lesson=lesson, number=number, author=request.user, base_revision=base)
    except RevisionConflict:
        return HttpResponse(
            _("Someone saved this page since you opened its history: reload and try again."),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    except WikiError as exc:
        return HttpResponse(_message(exc), status=400, content_type="text/plain; charset=utf-8")
    return redirect(f"{reverse('lessons:history', args=[lesson.slug])}?lang={lesson.language}")


# --- Export and import -----------------------------------------------------------------------------
@editor_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """A zip of Markdown pages: ``?slug=`` (``&lang=``), ``?set=course|imported|wiki``, or everything."""
    slug, language, lesson_set = (
        request.GET.get("slug", ""),
        request.GET.get("lang", ""),
        request.GET.get("set", ""),
    )
    if lesson_set and lesson_set not in SETS or language and language not in content.LANGUAGES:
        return HttpResponse(
            _("Unknown set or language."), status=400, content_type="text/plain; charset=utf-8"
        )
    lessons = export_lessons(slug=slug, language=language, lesson_set=lesson_set)
    if slug and not lessons:
        raise Http404("No such page")
    name = slug or lesson_set or "wiki"
    response = HttpResponse(export_zip(lessons), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="gateway-lab-{name}.zip"'
    return response


@creator_required
@require_http_methods(["GET", "POST"])
def import_pages(request: HttpRequest) -> HttpResponse:
    """Import a zip made by Export (one result per file). Template: ``lessons/wiki/import.html``."""
    form = ImportZipForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    results = []
    if request.method == "POST" and form.is_valid():
        try:
            results = import_zip(data=form.cleaned_data["archive"].read(), author=request.user)
        except WikiError as exc:
            form.add_error("archive", _message(exc))
    failed = request.method == "POST" and (form.errors or any(not r.ok for r in results))
    return render(
        request, "lessons/wiki/import.html", {"form": form, "results": results}, status=400 if failed else 200
    )
