"""Sign-in with a rate limit (issue 13): attempts per account and per client address, on the cache.

Past ``GATEWAY_LAB["LOGIN_RATE"]`` (default ``10/hour``; ``off`` turns it off) a sign-in answers 429
with ``Retry-After`` without checking the password, so guessing costs the same whichever worker
answers (with ``REDIS_URL`` the counters are shared by every worker process).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from gateway_lab.api.ratelimit import hit


def login_rate() -> str | None:
    return settings.GATEWAY_LAB.get("LOGIN_RATE")


class RateLimitedLoginView(auth_views.LoginView):
    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        username = (request.POST.get("username") or "").strip().lower()[:150]
        address = request.META.get("REMOTE_ADDR") or "unknown"
        waits = [hit("login-ip", address, login_rate())]
        if username:
            # Hashed: a user name may hold spaces or characters a cache key must not contain.
            account = hashlib.sha256(username.encode()).hexdigest()[:32]
            waits.append(hit("login-user", account, login_rate()))
        wait = max((w for w in waits if w is not None), default=None)
        if wait is not None:
            message = _("Too many sign-in attempts: try again in %(seconds)s s.") % {"seconds": wait}
            response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)


login = RateLimitedLoginView.as_view()
