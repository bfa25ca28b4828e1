"""Students' questions, moderated by the driver before the class sees them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from .. import conf
from ..models import Participant, Question, QuestionStatus, Room
from .events import event_append
from .rooms import ClassroomError, check_driver


# --- Questions ----------------------------------------------------------------------------------
def question_ask(*, room: Room, participant: Participant, text: Any) -> Question:
    """Queue a student's question for the presenter's moderation (nobody else sees it yet)."""
    text = " ".join(str(text or "").split())
    if not 1 <= len(text) <= 280:
        raise ClassroomError("bad_question", field="text")
    pending = participant.questions.filter(status=QuestionStatus.PENDING).count()
    if pending >= conf.get("QUESTIONS_PER_PARTICIPANT"):
        raise ClassroomError("too_many_questions", field="text")
    return Question.objects.create(room=room, participant=participant, text=text)


def question_moderate(
    *, room: Room, user: AbstractBaseUser, question_id: Any, show: bool
) -> dict[str, Any] | None:
    """Show a pending question to the class (without its author's name) or dismiss it."""
    check_driver(room, user)
    question = room.questions.filter(pk=question_id if isinstance(question_id, int) else -1).first()
    if question is None or question.status != QuestionStatus.PENDING:
        raise ClassroomError("no_such_question", field="question")
    question.status = QuestionStatus.SHOWN if show else QuestionStatus.DISMISSED
    question.save(update_fields=["status"])
    if not show:
        return None
    return event_append(
        room=room, kind="question", payload={"question": {"id": question.pk, "text": question.text}}
    )
