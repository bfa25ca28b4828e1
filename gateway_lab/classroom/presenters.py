"""View data for classroom screens: the presenter's pickers and error messages in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ERRORS = {
    "not_presenter": _("Only presenters can open rooms."),
    "not_driver": _("Only the presenter who drives this room can do that."),
    "not_participant": _("Join the room first."),
    "room_full": _("This room is full."),
    "bad_name": _("Use 1–40 characters, without < or >."),
    "rate_limited": _("Too many messages: wait a moment."),
    "already_answered": _("You have already answered this poll."),
    "poll_closed": _("This poll is closed."),
    "no_such_poll": _("There is no open poll."),
    "bad_choice": _("Pick one of the choices."),
    "bad_question": _("Write a question of up to 280 characters."),
    "too_many_questions": _("Wait until the presenter has read your questions."),
    "no_such_presenter": _("No presenter has that user name."),
    "no_next_stage": _("The trace has no next stage here: step back first."),
    "not_in_visualizer": _("Open a visualizer preset first."),
    "unknown_preset": _("Unknown preset."),
    "unknown_lesson": _("Unknown lesson."),
    "unknown_drill": _("Unknown drill."),
}


UI = {
    "connected": _("Live"),
    "connecting": _("Reconnecting…"),
    "closed": _("The room is closed."),
    "following": _("Following the presenter"),
    "detached": _("Exploring on your own"),
    "detach": _("Explore on my own"),
    "follow": _("Follow the presenter"),
    "waiting": _("Waiting for the presenter…"),
    "answered": _("Answer sent. Wait for the reveal."),
    "right": _("Right answer:"),
    "asked": _("Sent to the presenter."),
    "raise": _("Raise my hand"),
    "lower": _("Lower my hand"),
    "show": _("Show to the class"),
    "dismiss": _("Dismiss"),
    "answers": _("Answers:"),
    "you_drive": _("You drive this room."),
    "driven_by": _("Driven by"),
    "hand_up": _("raised a hand"),
    "lower_hand": _("Lower"),
    "no_poll": _("No poll yet."),
}


def ui_strings() -> dict[str, Any]:
    """Return the screens' script strings and error messages in the active language."""
    return {
        "ui_strings": {key: str(text) for key, text in UI.items()},
        "ui_errors": {code: str(message) for code, message in ERRORS.items()},
    }


def error_message(code: str) -> str:
    return str(ERRORS.get(code, _("That did not work.")))


def presenter_choices(*, language: str) -> dict[str, Any]:
    """Return the presets, lessons with their sections, and single-answer drills the presenter can pick."""
    from gateway_lab.lessons.models import Drill
    from gateway_lab.lessons.presenters import pick
    from gateway_lab.lessons.selectors import course_lessons, drills_in_course_order, language_of
    from gateway_lab.visualizer import picker

    lessons = course_lessons(language=language_of(language))
    drills = drills_in_course_order(Drill.objects.filter(multiple=False))
    return {
        "preset_groups": picker.preset_choices(),
        "lessons": [
            {
                "slug": lesson.slug,
                "title": lesson.title,
                "sections": [(s["anchor"], s["heading"]) for s in lesson.toc],
            }
            for lesson in lessons
        ],
        "drills": [(d.drill_id, pick(d.question, language)[:110]) for d in drills],
    }
