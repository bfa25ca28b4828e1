"""``settings.MIDDLEWARE`` as a list that knows the thin subclasses stand for Django's middleware.

Django's deploy checks (``check --deploy``: security.W001–W003, and the HSTS, SSL-redirect,
nosniff, referrer and X-Frame-Options checks that only run when the middleware is installed) look
for Django's dotted paths *as strings* in ``MIDDLEWARE``. The site installs thin subclasses instead
(``core/middleware_stack.py``, same hooks, fewer thread hops), so ``in`` also answers True for the
Django path a listed subclass stands for, and every one of those checks keeps running. Kept apart
from ``middleware_stack`` so that ``settings.py`` can import it before the app registry is ready.
"""

from __future__ import annotations

from typing import Any

STACK = "gateway_lab.core.middleware_stack"

# Django's path -> the subclass that stands for it (tests/core/test_thread_hops.py checks each is one).
STANDS_FOR = {
    "django.middleware.security.SecurityMiddleware": f"{STACK}.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware": f"{STACK}.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware": f"{STACK}.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware": f"{STACK}.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware": f"{STACK}.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware": f"{STACK}.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware": f"{STACK}.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware": f"{STACK}.XFrameOptionsMiddleware",
}


class MiddlewareList(list):
    """A list of dotted paths where ``django_path in middleware`` also finds its stand-in subclass."""

    def __contains__(self, item: Any) -> bool:
        return super().__contains__(item) or (item in STANDS_FOR and super().__contains__(STANDS_FOR[item]))
