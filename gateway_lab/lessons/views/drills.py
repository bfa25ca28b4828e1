"""Drills: practice one question at a time (instant feedback), the mistakes list."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from .. import selectors
from ..forms import DrillAnswerForm
from ..learners import learner_from_request
from ..models import Drill
from ..presenters import drill_view, pick
from ..services import drill_answer
from .pages import current_language


@require_GET
def drills(request: HttpRequest) -> HttpResponse:
    """List drill sets per lesson, with the learner's score, and the ways to practise.

    Template: ``lessons/drills.html``.
    """
    language = current_language()
    lessons = selectors.course_lessons(language=language)
    progress = selectors.course_progress(learner=learner_from_request(request), lessons=lessons)
    drills = selectors.drill_list()
    first: dict[str, Drill] = {}
    for item in drills:
        first.setdefault(item.lesson_slug, item)
    # Rows follow the course (``lessons`` is in lesson order), never the drill files' names.
    rows = [
        {"lesson": lesson, "progress": progress[lesson.slug], "first": first[lesson.slug]}
        for lesson in lessons
        if lesson.slug in first
    ]
    return render(request, "lessons/drills.html", {"rows": rows, "total": len(drills)})


def _next_drill(drill: Drill) -> Drill | None:
    return Drill.objects.filter(lesson_slug=drill.lesson_slug, position__gt=drill.position).first()


@require_http_methods(["GET", "POST"])
def drill(request: HttpRequest, drill_id: str) -> HttpResponse:
    """Show one drill; on POST record the answer and show every option's explanation.

    Template: ``lessons/drill.html`` (partial ``drill-card`` for htmx).
    """
    item = get_object_or_404(Drill, drill_id=drill_id)
    language = current_language()
    form = DrillAnswerForm(request.POST if request.method == "POST" else None, drill=item)
    chosen = None
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen()
        drill_answer(learner=learner_from_request(request, create=True), drill=item, chosen=chosen)
    context = {
        "card": drill_view(item, language=language, chosen=chosen),
        "form": form,
        "next": _next_drill(item),
        "lesson_title": _lesson_title(item.lesson_slug, language),
    }
    template = "lessons/drill.html#drill-card" if request.htmx else "lessons/drill.html"
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, template, context, status=status)


def _lesson_title(slug: str, language: str) -> str:
    view = selectors.lesson_get(slug=slug, language=language)
    return view.lesson.title if view else slug


@require_GET
def mistakes(request: HttpRequest) -> HttpResponse:
    """List the drills the learner last answered wrong, to try again.

    Template: ``lessons/mistakes.html``.
    """
    language = current_language()
    titles = {lesson.slug: lesson.title for lesson in selectors.course_lessons(language=language)}
    items = [
        {
            "drill": item,
            "question": pick(item.question, language),
            "lesson_title": titles.get(item.lesson_slug, ""),
        }
        for item in selectors.drill_mistakes(learner=learner_from_request(request))
    ]
    return render(request, "lessons/mistakes.html", {"items": items})
