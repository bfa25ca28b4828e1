"""Exam mode: a timed set of drills kept in the session, graded at the end.

Time is enforced on the server: answers that arrive after the deadline (plus a little grace for
the network) are not counted. The page's countdown only mirrors it.
"""

from __future__ import annotations

import random
import time
from typing import Any

from .learners import Learner
from .models import Drill
from .presenters import drill_view
from .selectors import drills_in_course_order
from .services import drill_answer

SESSION_KEY = "lessons_exam"
REVIEW_KEY = "lessons_exam_review"
QUESTIONS = 10
SECONDS_PER_QUESTION = 90
GRACE_SECONDS = 15


def exam_start(session: Any, *, now: float | None = None, size: int = QUESTIONS) -> dict[str, Any]:
    """Pick ``size`` random drills, list them in course order, and start the clock."""
    ids = list(Drill.objects.values_list("drill_id", flat=True))
    drawn = Drill.objects.filter(drill_id__in=random.sample(ids, min(size, len(ids))))
    chosen = list(drills_in_course_order(drawn).values_list("drill_id", flat=True))
    started = time.time() if now is None else now
    exam = {"ids": chosen, "deadline": started + SECONDS_PER_QUESTION * len(chosen)}
    session[SESSION_KEY] = exam
    session.pop(REVIEW_KEY, None)
    return exam


def exam_drills(exam: dict[str, Any]) -> list[Drill]:
    """Return the exam's drills in the order the exam lists them."""
    by_id = {d.drill_id: d for d in Drill.objects.filter(drill_id__in=exam["ids"])}
    return [by_id[i] for i in exam["ids"] if i in by_id]


def exam_submit(
    session: Any, *, learner: Learner, answers: dict[str, list[int]], now: float | None = None
) -> dict:
    """Grade the exam, record each answer, and keep the review in the session."""
    exam = session.pop(SESSION_KEY, None) or {"ids": [], "deadline": 0}
    late = (time.time() if now is None else now) > exam["deadline"] + GRACE_SECONDS
    results = []
    for drill in exam_drills(exam):
        chosen = [] if late else answers.get(drill.drill_id, [])
        if chosen:
            drill_answer(learner=learner, drill=drill, chosen=chosen)
        results.append({"id": drill.drill_id, "chosen": chosen})
    review = {"results": results, "late": late}
    session[REVIEW_KEY] = review
    return review


def exam_review(review: dict[str, Any], *, language: str) -> dict[str, Any]:
    """Return the review page's data: every question with the verdict and all explanations."""
    by_id = {d.drill_id: d for d in Drill.objects.filter(drill_id__in=[r["id"] for r in review["results"]])}
    cards = [
        drill_view(by_id[r["id"]], language=language, chosen=r["chosen"])
        for r in review["results"]
        if r["id"] in by_id
    ]
    return {
        "cards": cards,
        "score": sum(c["is_correct"] for c in cards),
        "wrong": sum(not c["is_correct"] and not c["unanswered"] for c in cards),
        "unanswered": sum(c["unanswered"] for c in cards),
        "total": len(cards),
        "late": review["late"],
    }
