from __future__ import annotations

from django.http import HttpRequest

from .navigation import nav_items


def site(request: HttpRequest) -> dict[str, object]:
    """Add the header's navigation, and where the language switch returns to, to every page."""
    return {"nav_items": nav_items(request.path), "language_next": language_next(request)}


def language_next(request: HttpRequest) -> str:
    """Return this page's path and query without ``lang``: after switching language the page follows
    the new language (a search hit's ``?lang=`` would pin the old one). site.js adds the ``#anchor``."""
    query = request.GET.copy()
    query.pop("lang", None)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path
