"""Per-client rate limits for anonymous simulation work (issue 16), on Django's cache.

A fixed window per client and scope: ``60/min`` lets a client start 60 simulations a minute; the
61st answers 429 with ``Retry-After`` (the seconds until the window ends). The client is the
signed-in user, else the address the request came from. Rates are read from settings on each
request (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` for the API, ``GATEWAY_LAB["RATE_LIMITS"]``
for the visualizer; README, Configuration), so ``off`` or an empty rate turns a limit off.

``SimulationRateThrottle`` is the DRF throttle class of ``POST /api/v1/simulations``;
``rate_limited(scope)`` decorates plain Django views.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from rest_framework.throttling import BaseThrottle

PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
_generation = 0  # bumped by reset(): tests start every case with fresh windows


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """Return (requests, seconds) for ``"60/min"``; ``None`` for ``off``, empty or malformed rates."""
    if not rate or str(rate).strip().lower() in {"off", "none", "0"}:
        return None
    count, _sep, period = str(rate).strip().partition("/")
    seconds = PERIODS.get(period.strip().lower())
    if not count.strip().isdigit() or seconds is None or int(count) < 1:
        return None
    return int(count), seconds


def client_ident(request: Any) -> str:
    """Return who is asking: the signed-in user, else the client address."""
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR') or 'unknown'}"


def hit(scope: str, ident: str, rate: str | None) -> int | None:
    """Count one request; return ``None`` if allowed, else the seconds to wait (≥ 1)."""
    parsed = parse_rate(rate)
    if parsed is None:
        return None
    limit, seconds = parsed
    now = time.time()
    window = int(now // seconds)
    key = f"ratelimit:{_generation}:{scope}:{ident}:{window}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, int((window + 1) * seconds - now + 0.999))


def reset() -> None:
    """Start fresh windows for every client (tests)."""
    global _generation
    _generation += 1


def visualizer_rate() -> str | None:
    return (getattr(settings, "GATEWAY_LAB", {}).get("RATE_LIMITS") or {}).get("visualizer")


class SimulationRateThrottle(BaseThrottle):
    """DRF throttle for the simulate API: rate ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["simulations"]``."""

    scope = "simulations"

    def allow_request(self, request: Any, view: Any) -> bool:
        rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES") or {}
        self._wait = hit(self.scope, client_ident(request), rates.get(self.scope))
        return self._wait is None

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


def rate_limited(scope: str, rate: Callable[[], str | None] = visualizer_rate) -> Callable:
    """Decorate a view: past the rate, answer 429 with ``Retry-After`` instead of running it."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            wait = hit(scope, client_ident(request), rate())
            if wait is None:
                return view(request, *args, **kwargs)
            message = _("Too many simulations from your address: try again in %(seconds)s s.") % {
                "seconds": wait
            }
            response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = str(wait)
            return response

        return wrapped

    return decorate
