"""Exam mode pages: start, answer within the time limit, review."""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .. import exam as exams
from ..learners import learner_from_request
from ..presenters import drill_view
from .pages import current_language


@require_http_methods(["GET", "POST"])
def exam(request: HttpRequest) -> HttpResponse:
    """Start an exam (POST ``action=start``), show it, or grade it (POST ``action=submit``).

    Template: ``lessons/exam.html``.
    """
    action = request.POST.get("action")
    if action == "start":
        exams.exam_start(request.session)
        return redirect("lessons:exam")
    if action == "submit":
        answers = {
            key.removeprefix("q-"): sorted({int(v) for v in request.POST.getlist(key) if v.isdigit()})
            for key in request.POST
            if key.startswith("q-")
        }
        exams.exam_submit(
            request.session, learner=learner_from_request(request, create=True), answers=answers
        )
        return redirect("lessons:exam_review")
    current = request.session.get(exams.SESSION_KEY)
    language = current_language()
    cards = [drill_view(d, language=language) for d in exams.exam_drills(current)] if current else []
    context = {
        "exam": current,
        "cards": cards,
        "seconds_left": max(0, int(current["deadline"] - time.time())) if current else 0,
        "questions": exams.QUESTIONS,
        "minutes": exams.QUESTIONS * exams.SECONDS_PER_QUESTION // 60,
    }
    return render(request, "lessons/exam.html", context)


@require_GET
def exam_review(request: HttpRequest) -> HttpResponse:
    """Show the last exam's score and every question with its explanations.

    Template: ``lessons/exam_review.html``.
    """
    review = request.session.get(exams.REVIEW_KEY)
    if not review:
        return redirect("lessons:exam")
    return render(request, "lessons/exam_review.html", exams.exam_review(review, language=current_language()))
