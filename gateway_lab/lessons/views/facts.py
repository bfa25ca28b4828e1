"""The facts page: GATEWAY_FACTS.md in the reader's language, with an anchor per numbered section."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..facts import facts_page
from .pages import current_language


@require_GET
def facts(request: HttpRequest) -> HttpResponse:
    """Render the fact sheet every step and lesson cites (``/facts/#s3-1``).

    Template: ``lessons/facts.html``.
    """
    language = current_language()
    page = facts_page(language=language)
    return render(request, "lessons/facts.html", {"page": page, "translated": page.language == language})
