"""Record learner progress: sections read and drill answers."""

from __future__ import annotations

from ..learners import Learner
from ..models import Drill, DrillAnswer, SectionRead


def section_mark_read(*, learner: Learner, lesson_slug: str, anchors: list[str]) -> int:
    """Record sections of a lesson as read; return how many were new."""
    known = set(
        SectionRead.objects.filter(learner.owns(), lesson_slug=lesson_slug).values_list("anchor", flat=True)
    )
    new = [a for a in dict.fromkeys(anchors) if a and a not in known]
    SectionRead.objects.bulk_create(
        SectionRead(learner=learner.learner_id, user_id=learner.user_id, lesson_slug=lesson_slug, anchor=a)
        for a in new
    )
    return len(new)


def drill_answer(*, learner: Learner, drill: Drill, chosen: list[int]) -> DrillAnswer:
    """Record an answer; it is right when exactly the correct options were chosen."""
    correct = {i for i, option in enumerate(drill.options) if option.get("correct")}
    return DrillAnswer.objects.create(
        learner=learner.learner_id,
        user_id=learner.user_id,
        drill=drill,
        chosen=sorted(set(chosen)),
        correct=set(chosen) == correct,
    )


def progress_merge(*, learner_id: str, user_id: int) -> int:
    """Give a signed-in user the progress this browser made before signing in."""
    moved = SectionRead.objects.filter(learner=learner_id, user__isnull=True).update(user_id=user_id)
    return moved + DrillAnswer.objects.filter(learner=learner_id, user__isnull=True).update(user_id=user_id)
