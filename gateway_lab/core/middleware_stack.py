"""Django's middleware, declared so that a request under ASGI makes few thread hops (issue 17).

Django's ``MiddlewareMixin`` is async-capable, but under ASGI it runs each sync hook
(``process_request``, ``process_response``) through ``sync_to_async``: one thread hop per hook, 18
per page in this project (TOOLCHAIN.md, "Sync-only middleware under ASGI"). These thin subclasses
change *where* the hooks run, never what they do:

- ``SecurityMiddleware`` runs its two hooks inline on the event loop (``InlineHooksMixin``): they only
  read the request and set headers, no database, no blocking I/O. It stays first, before the
  Content-Security-Policy and static-files middleware, so static files keep its headers.
- The middleware after ``servestatic`` (async-only) is declared sync-only (``async_capable = False``):
  Django then adapts the chain once, at the static-files middleware, and runs every hook of the chain
  in that one thread, one after the other, as under WSGI. Sessions and messages may touch the database
  in their hooks, so they must run in a thread; the others follow so the chain has a single boundary.

With ``core/asgi_handler.py`` (the view and ``process_view`` in that same thread) a plain page makes
three hops, as a minimal Django project does: ``request_started``, the chain with the view, and
``request_finished``. ``tests/core/test_thread_hops.py`` counts them.
"""

from __future__ import annotations

from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest, HttpResponseBase
from django.middleware import clickjacking, common, csrf, locale, security


class InlineHooksMixin:
    """Run a ``MiddlewareMixin``'s sync hooks on the event loop instead of in a thread.

    Only for middleware whose hooks neither block nor touch the database.
    """

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.process_request(request) if hasattr(self, "process_request") else None
        response = response or await self.get_response(request)  # type: ignore[attr-defined]
        if hasattr(self, "process_response"):
            response = self.process_response(request, response)
        return response


class SecurityMiddleware(InlineHooksMixin, security.SecurityMiddleware):
    """Django's ``SecurityMiddleware``, hooks inline (headers and the HTTPS redirect only)."""


class SessionMiddleware(sessions.SessionMiddleware):
    async_capable = False


class LocaleMiddleware(locale.LocaleMiddleware):
    async_capable = False


class CommonMiddleware(common.CommonMiddleware):
    async_capable = False


class CsrfViewMiddleware(csrf.CsrfViewMiddleware):
    async_capable = False


class AuthenticationMiddleware(auth.AuthenticationMiddleware):
    async_capable = False


class MessageMiddleware(messages.MessageMiddleware):
    async_capable = False


class XFrameOptionsMiddleware(clickjacking.XFrameOptionsMiddleware):
    async_capable = False


__all__ = [
    "AuthenticationMiddleware",
    "CommonMiddleware",
    "CsrfViewMiddleware",
    "InlineHooksMixin",
    "LocaleMiddleware",
    "MessageMiddleware",
    "SecurityMiddleware",
    "SessionMiddleware",
    "XFrameOptionsMiddleware",
]
