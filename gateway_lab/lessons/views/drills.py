"""Drills: practice one question at a time (instant feedback, "n of N", a summary), the mistakes list.

A practice set is the drills of one lesson and/or one difficulty (``?lesson=…&difficulty=…``); the
query string travels from question to question and on to the summary.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from .. import selectors
from ..forms import DrillAnswerForm, PracticeForm
from ..learners import learner_from_request
from ..models import Drill
from ..presenters import drill_view, pick
from ..services import drill_answer
from .pages import current_language


def _practice_form(data: QueryDict | None, language: str) -> PracticeForm:
    lessons = [(lesson.slug, lesson.title) for lesson in selectors.course_lessons(language=language)]
    return PracticeForm(data, lessons=lessons)


def _set_query(lesson: str, difficulty: str) -> str:
    return urlencode({"lesson": lesson, "difficulty": difficulty})


def _drill_url(drill: Drill, query: str) -> str:
    return f"{reverse('lessons:drill', kwargs={'drill_id': drill.drill_id})}?{query}"


@require_GET
def drills(request: HttpRequest) -> HttpResponse:
    """List drill sets per lesson, with the learner's score, and the ways to practise.

    Template: ``lessons/drills.html``.
    """
    language = current_language()
    return _drills_page(request, language=language, form=_practice_form(None, language))


def _drills_page(
    request: HttpRequest, *, language: str, form: PracticeForm, empty: bool = False, status: int = 200
) -> HttpResponse:
    lessons = selectors.course_lessons(language=language)
    progress = selectors.course_progress(learner=learner_from_request(request), lessons=lessons)
    drills = selectors.drill_list()
    first: dict[str, Drill] = {}
    for item in drills:
        first.setdefault(item.lesson_slug, item)
    # Rows follow the course (``lessons`` is in lesson order), never the drill files' names.
    rows = [
        {
            "lesson": lesson,
            "progress": progress[lesson.slug],
            "first": first[lesson.slug],
            "url": _drill_url(first[lesson.slug], _set_query(lesson.slug, "")),
        }
        for lesson in lessons
        if lesson.slug in first
    ]
    context = {"rows": rows, "total": len(drills), "practice_form": form, "no_match": empty}
    return render(request, "lessons/drills.html", context, status=status)


@require_GET
def practice(request: HttpRequest) -> HttpResponse:
    """Start practising the drills of a lesson and/or a difficulty: open the set's first question.

    Bad filter values answer 400 with the form's errors; a set with no drills says so.
    """
    language = current_language()
    form = _practice_form(request.GET, language)
    if not form.is_valid():
        return _drills_page(request, language=language, form=form, status=400)
    lesson, difficulty = form.cleaned_data["lesson"], form.cleaned_data["difficulty"]
    found = selectors.drill_list(lesson_slug=lesson or None, difficulty=difficulty or None)
    if not found:
        return _drills_page(request, language=language, form=form, empty=True)
    return redirect(_drill_url(found[0], _set_query(lesson, difficulty)))


def _practice_set(request: HttpRequest, drill: Drill, language: str) -> tuple[list[Drill], str]:
    """Return the drills of the set ``drill`` is practised in, and the set's query string.

    Without (valid) filters, the set is the drill's lesson; a drill outside the filtered set falls
    back to its lesson too, so "n of N" is always true.
    """
    data = request.GET if "lesson" in request.GET or "difficulty" in request.GET else None
    form = _practice_form(data, language) if data is not None else None
    lesson, difficulty = drill.lesson_slug, ""
    if form is not None and form.is_valid():
        lesson, difficulty = form.cleaned_data["lesson"], form.cleaned_data["difficulty"]
    found = selectors.drill_list(lesson_slug=lesson or None, difficulty=difficulty or None)
    if drill not in found:
        lesson, difficulty = drill.lesson_slug, ""
        found = selectors.drill_list(lesson_slug=lesson)
    return found, _set_query(lesson, difficulty)


@require_http_methods(["GET", "POST"])
def drill(request: HttpRequest, drill_id: str) -> HttpResponse:
    """Show one drill ("question n of N"); on POST record the answer and show every explanation.

    Template: ``lessons/drill.html`` (partial ``drill-card`` for htmx).
    """
    item = get_object_or_404(Drill, drill_id=drill_id)
    language = current_language()
    form = DrillAnswerForm(request.POST if request.method == "POST" else None, drill=item)
    chosen = None
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen()
        drill_answer(learner=learner_from_request(request, create=True), drill=item, chosen=chosen)
    found, query = _practice_set(request, item, language)
    at = found.index(item)
    following = found[at + 1] if at + 1 < len(found) else None
    context = {
        "card": drill_view(item, language=language, chosen=chosen),
        "form": form,
        "next": following,
        "next_url": _drill_url(following, query) if following else "",
        "position": at + 1,
        "count": len(found),
        "set_query": query,
        "summary_url": f"{reverse('lessons:drill_summary')}?{query}",
        "lesson_title": _lesson_title(item.lesson_slug, language),
    }
    template = "lessons/drill.html#drill-card" if request.htmx else "lessons/drill.html"
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, template, context, status=status)


@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    """Summarise a practice set: right, wrong and unanswered, from the learner's latest answers.

    Template: ``lessons/drill_summary.html``.
    """
    language = current_language()
    form = _practice_form(request.GET, language)
    if not form.is_valid():
        return _drills_page(request, language=language, form=form, status=400)
    lesson, difficulty = form.cleaned_data["lesson"], form.cleaned_data["difficulty"]
    query = _set_query(lesson, difficulty)
    latest = selectors.drill_latest_answers(learner=learner_from_request(request))
    rows = []
    for item in selectors.drill_list(lesson_slug=lesson or None, difficulty=difficulty or None):
        answer = latest.get(item.pk)
        status = "unanswered" if answer is None else ("right" if answer.correct else "wrong")
        rows.append(
            {
                "drill": item,
                "question": pick(item.question, language),
                "status": status,
                "url": _drill_url(item, query),
            }
        )
    counts = {key: sum(row["status"] == key for row in rows) for key in ("right", "wrong", "unanswered")}
    context = {
        "rows": rows,
        "counts": counts,
        "total": len(rows),
        "lesson_title": dict(form.fields["lesson"].choices).get(lesson, "") if lesson else "",
        "difficulty_label": dict(form.fields["difficulty"].choices).get(difficulty, "") if difficulty else "",
        "restart_url": _drill_url(rows[0]["drill"], query) if rows else "",
    }
    return render(request, "lessons/drill_summary.html", context)


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
