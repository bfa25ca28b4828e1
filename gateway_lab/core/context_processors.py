from __future__ import annotations

from django.http import HttpRequest

from .navigation import nav_items


def site(request: HttpRequest) -> dict[str, object]:
    """Add the header's navigation to every page."""
    return {"nav_items": nav_items(request.path)}
