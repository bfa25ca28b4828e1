"""The site's sections, in header order.

Every section's URL must exist: a section whose URL name does not resolve is a bug and raises
``NoReverseMatch`` (no fallback hides a missing app, issue 11). An app adds its entry when it ships.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True, slots=True)
class Section:
    url_name: str
    label: str | Promise
    description: str | Promise = ""


SECTIONS: tuple[Section, ...] = (
    Section(
        "lessons:course",
        _("Lessons"),
        _("Bilingual lessons built from an SAA study note, with the facts brought up to date."),
    ),
    Section(
        "lessons:drills",
        _("Drills"),
        _("Exam-style scenario questions with an explanation for every option."),
    ),
    Section(
        "visualizer:page",
        _("Visualizer"),
        _("Send a request through the pipeline and step through every decision."),
    ),
    Section(
        "livegw:demo",
        _("WebSocket demo"),
        _("$connect, route selection and @connections push, live in your browser."),
    ),
    Section(
        "labaccess:home",
        _("Lab identities"),
        _("Sign up lab users, read their RS256 tokens decoded, and create IAM keys the engine accepts."),
    ),
    Section(
        "classroom:home",
        _("Classroom"),
        _("Follow a presenter live: rooms with a join code, live polls and moderated questions."),
    ),
    Section("api-docs", _("API"), _("Run simulations from scripts: the REST API and its OpenAPI schema.")),
)


def nav_items(current_path: str) -> list[dict[str, object]]:
    """Return the header's links, marking the current one (``NoReverseMatch`` if a section has no URL).

    The current section is the one with the longest URL that prefixes the path, so that
    ``/lessons/drills/`` marks Drills and not Lessons as well.
    """
    items: list[dict[str, object]] = [
        {
            "url": reverse(section.url_name),
            "label": section.label,
            "description": section.description,
            "current": False,
        }
        for section in SECTIONS
    ]
    matches = [item for item in items if current_path.startswith(str(item["url"]))]
    if matches:
        max(matches, key=lambda item: len(str(item["url"])))["current"] = True
    return items
