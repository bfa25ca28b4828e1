"""Django's middleware, declared so that a request under ASGI makes few thread hops (issue 17).

Django's ``MiddlewareMixin`` is async-capable, but under ASGI it runs each sync hook
(``process_request``, ``process_response``, ``process_view``) through ``sync_to_async``: one thread
hop per hook, 18 per page in this project (TOOLCHAIN.md, "Sync-only middleware under ASGI").
These thin subclasses change *where* the hooks run, never what they do:

- ``SecurityMiddleware`` runs its two hooks inline on the event loop (``InlineHooksMixin``): they only
  read the request and set headers, no database, no blocking I/O. It stays first, before the
  Content-Security-Policy and static-files middleware, so static files keep its headers.
- The middleware after ``servestatic`` (async-only) is declared sync-only (``async_capable = False``):
  Django then adapts the chain once, at the static-files middleware, and runs every hook of the chain
  in that one thread, one after the other, as under WSGI. Sessions and messages may touch the database
  in their hooks, so they must run in a thread; the others follow so the chain has a single boundary.
- ``CsrfViewMiddleware.process_view`` is a coroutine that runs Django's check inline: Django calls view
  middleware after the chain, on the event loop, and a sync ``process_view`` would cost its own hop.
  The check reads the request (its cookie, headers and already-received body) and, on failure, renders
  the failure page; it touches no database (``CSRF_USE_SESSIONS`` is off, and this class refuses it).

A plain page then makes four hops, as few as Django allows plus one: ``request_started``, the chain,
the view and ``request_finished`` (a minimal Django project makes three). ``tests/core/test_thread_hops.py``
counts them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.core.exceptions import ImproperlyConfigured
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
    """Django's CSRF middleware: request/response hooks in the chain's thread, the view check inline."""

    async_capable = False

    def __init__(self, get_response: Any) -> None:
        if settings.CSRF_USE_SESSIONS:
            raise ImproperlyConfigured("the inline CSRF view check would read the session on the event loop")
        super().__init__(get_response)

    async def process_view(
        self, request: HttpRequest, callback: Any, callback_args: Any, callback_kwargs: Any
    ) -> HttpResponseBase | None:
        return super().process_view(request, callback, callback_args, callback_kwargs)


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
