"""Who is looking: a person sees only their own connections' details and traces, staff see all.

The demo page gives each browser a random viewer id in an HttpOnly cookie. Both WebSockets the page
opens (the API's and the trace feed's) carry it on their upgrade, so the live gateway records which
viewer opened each connection (in the shared Store, beside the registry) and the trace feed and the
connection inspector show a non-staff person only what their own browser did. A terminal client
without the cookie owns nothing: only staff see its connection.

Staff are recognised from Django's session cookie on the upgrade (the trace route is not wrapped
in Channels' auth middleware, so the session is read here).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from http.cookies import CookieError, SimpleCookie
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .store import live_store

VIEWER_COOKIE = "livegw_viewer"
VIEWER_MAX_AGE_S = 30 * 24 * 3600
OWNER_TTL_MS = 2 * 60 * 60 * 1000 + 60_000  # §5.1: a connection lives at most 2 hours


def new_viewer_id() -> str:
    return secrets.token_urlsafe(18)


def ensure_viewer_cookie(request: HttpRequest, response: HttpResponse) -> str:
    """Return the request's viewer id, setting a new cookie on ``response`` when it has none."""
    viewer = request.COOKIES.get(VIEWER_COOKIE, "")
    if _valid(viewer):
        return viewer
    viewer = new_viewer_id()
    response.set_cookie(
        VIEWER_COOKIE,
        viewer,
        max_age=VIEWER_MAX_AGE_S,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return viewer


def viewer_of_request(request: HttpRequest) -> str:
    viewer = request.COOKIES.get(VIEWER_COOKIE, "")
    return viewer if _valid(viewer) else ""


def scope_cookies(scope: dict[str, Any]) -> dict[str, str]:
    """Return the cookies of an ASGI scope's ``Cookie`` headers."""
    jar: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        if name.lower() != b"cookie":
            continue
        parsed = SimpleCookie()
        try:
            parsed.load(value.decode("latin-1"))
        except CookieError:
            continue
        jar.update({key: morsel.value for key, morsel in parsed.items()})
    return jar


def viewer_of_scope(scope: dict[str, Any]) -> str:
    viewer = scope_cookies(scope).get(VIEWER_COOKIE, "")
    return viewer if _valid(viewer) else ""


def is_staff_scope(scope: dict[str, Any]) -> bool:
    """Return whether the upgrade carries the session of an active staff user (runs database queries)."""
    from django.contrib.auth import get_user
    from django.contrib.sessions.backends.base import SessionBase
    from django.utils.module_loading import import_string

    session_key = scope_cookies(scope).get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return False
    store_class: type[SessionBase] = import_string(settings.SESSION_ENGINE + ".SessionStore")
    user = get_user(SimpleNamespace(session=store_class(session_key)))  # type: ignore[arg-type]
    return bool(user.is_active and user.is_staff)


def _valid(viewer: str) -> bool:
    return 16 <= len(viewer) <= 64 and viewer.replace("-", "").replace("_", "").isalnum()


# --- Which viewer opened which connection --------------------------------------------------------


def _owner_key(api_id: str, stage: str, connection_id: str) -> str:
    return f"owner:{api_id}:{stage}:{connection_id}"


def record_owner(api_id: str, stage: str, connection_id: str, viewer: str) -> None:
    if viewer:
        live_store().put(_owner_key(api_id, stage, connection_id), viewer, ttl_ms=OWNER_TTL_MS)


def forget_owner(api_id: str, stage: str, connection_id: str) -> None:
    live_store().delete(_owner_key(api_id, stage, connection_id))


def owners(api_id: str, stage: str, connection_ids: Iterable[str]) -> dict[str, str]:
    """Return each connection's viewer id (``""`` when no browser viewer opened it)."""
    ids = list(connection_ids)
    store = live_store()
    keys = [_owner_key(api_id, stage, i) for i in ids]
    get_many = getattr(store, "get_many", None)
    values = get_many(keys) if get_many else [store.get(key) for key in keys]
    return {i: str(v or "") for i, v in zip(ids, values, strict=True)}
