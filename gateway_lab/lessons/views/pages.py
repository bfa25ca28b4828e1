"""Course overview, lesson page, "mark as read" and search."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from .. import content, selectors
from ..learners import learner_from_request
from ..presenters import preset_titles
from ..rendering.links import preset_url
from ..search import search_sections
from ..services import section_mark_read

PANEL_HITS = 8  # the header's dropdown; Enter opens the full results page
PANEL_OTHER_LANGUAGE = 2  # slots kept for hits in the other language (a glossary alias finds both)


def current_language() -> str:
    """Return the content language for the active UI language."""
    return selectors.language_of(get_language() or "en")


@require_GET
def course(request: HttpRequest) -> HttpResponse:
    """Render the course overview with the learner's progress.

    Template: ``lessons/course.html``.
    """
    language = current_language()
    lessons = selectors.course_lessons(language=language)
    progress = selectors.course_progress(learner=learner_from_request(request), lessons=lessons)
    rows = [{"lesson": lesson, "progress": progress[lesson.slug]} for lesson in lessons]
    context = {"rows": rows, "imported": selectors.imported_lessons(), "language": language}
    return render(request, "lessons/course.html", context)


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Render a lesson in the reader's language (or a fallback with a "not yet translated" notice).

    Template: ``lessons/detail.html``.
    """
    language = current_language()
    # A search hit opens the lesson in the hit's own language (``?lang=zh-hans``).
    wanted = request.GET.get("lang", "")
    if wanted in content.LANGUAGES:
        language = wanted
    view = selectors.lesson_get(slug=slug, language=language)
    if view is None:
        raise Http404("No such lesson")
    read = selectors.read_anchors(learner=learner_from_request(request), lesson_slug=slug)
    anchors = [item["anchor"] for item in view.lesson.toc]
    titles = preset_titles(view.lesson.presets, language=language)
    context = {
        "view": view,
        "lesson": view.lesson,
        "read": read,
        "all_read": bool(anchors) and read >= set(anchors),
        "presets": [
            {"name": name, "url": preset_url(name), "title": titles.get(name, name)}
            for name in view.lesson.presets
        ],
    }
    return render(request, "lessons/detail.html", context)


@require_POST
def mark_read(request: HttpRequest, slug: str) -> HttpResponse:
    """Record the lesson's sections (or one ``anchor``) as read.

    The form gets a redirect, htmx the status fragment, and the page's scroll tracker (which asks
    for ``application/json``) the anchors read so far.
    """
    view = selectors.lesson_get(slug=slug, language=current_language())
    if view is None:
        raise Http404("No such lesson")
    anchors = [item["anchor"] for item in view.lesson.toc]
    wanted = request.POST.get("anchor")
    if wanted is not None and wanted not in anchors:
        return HttpResponseBadRequest("No such section")
    learner = learner_from_request(request, create=True)
    section_mark_read(learner=learner, lesson_slug=slug, anchors=[wanted] if wanted else anchors)
    if request.headers.get("Accept") == "application/json":
        read = selectors.read_anchors(learner=learner, lesson_slug=slug)
        return JsonResponse({"read": [a for a in anchors if a in read], "all_read": read >= set(anchors)})
    if request.htmx:
        context = {"lesson": view.lesson, "all_read": True}
        return render(request, "lessons/detail.html#read-status", context)
    return redirect("lessons:detail", slug=slug)


def _panel_hits(hits: list) -> list:
    """Keep the dropdown short: the reader's language first, with room for a couple of the other's."""
    language = current_language()
    own = [hit for hit in hits if hit.language == language]
    other = [hit for hit in hits if hit.language != language]
    room = min(PANEL_OTHER_LANGUAGE, len(other))
    picked = own[: PANEL_HITS - room]
    return picked + other[: PANEL_HITS - len(picked)]


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search both languages; htmx requests get only the results fragment.

    Template: ``lessons/search.html`` (partial ``results``).
    """
    query = request.GET.get("q", "").strip()
    hits = search_sections(query=query, language=current_language()) if query else []
    if request.htmx and request.htmx.target == "site-search-panel":  # the header's live results
        return render(request, "lessons/_search_panel.html", {"query": query, "hits": _panel_hits(hits)})
    template = "lessons/search.html#results" if request.htmx else "lessons/search.html"
    return render(request, template, {"query": query, "hits": hits})
