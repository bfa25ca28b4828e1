"""The HTTP transport port and its default adapter: urllib, allow-listed hosts only, no redirects.

A transport is any callable ``(method, url, headers, body, timeout_s) -> HttpReply`` (tests pass a
plain function, like httpx's MockTransport). The default one refuses every host outside its
allow-list (loopback by default, ``GATEWAY_LAB_HTTP_ALLOWLIST`` in settings) and does not follow
redirects, so a backend cannot bounce the gateway to a host the allow-list forbids.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .types import IntegrationConfigError


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpReply:
    """What the backend answered; ``elapsed_ms`` lets fake transports model a slow backend."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    elapsed_ms: float = 0.0


class HttpTimeout(Exception):  # noqa: N818 — mirrors socket.timeout
    """The backend did not answer within the integration timeout."""


HttpTransport = Callable[[str, str, tuple[tuple[str, str], ...], bytes, float], HttpReply]


def check_url(url: str, allowlist: Iterable[str]) -> None:
    """Raise unless ``url`` is http(s) to an allow-listed host on port 80, 443 or above 1024 (§6.4)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise IntegrationConfigError(f"Invalid endpoint address: {url!r}")
    host = (parts.hostname or "").lower()
    if host not in {h.lower() for h in allowlist}:
        raise IntegrationConfigError(f"Host {host!r} is not in the HTTP integration allow-list")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if port not in (80, 443) and port <= 1024:
        raise IntegrationConfigError(f"Port {port} is not allowed: use 80, 443 or a port above 1024")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # hand the 3xx back to the gateway instead of following it


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def allow_listed_transport(allowlist: Iterable[str] = ("127.0.0.1", "localhost", "::1")) -> HttpTransport:
    """Return a urllib transport that only calls hosts in ``allowlist``."""
    hosts = tuple(allowlist)

    def send(
        method: str, url: str, headers: tuple[tuple[str, str], ...], body: bytes, timeout_s: float
    ) -> HttpReply:
        check_url(url, hosts)
        request = urllib.request.Request(url, data=body or None, method=method, headers=dict(headers))
        try:
            with _opener.open(request, timeout=timeout_s) as reply:
                return HttpReply(status=reply.status, headers=tuple(reply.headers.items()), body=reply.read())
        except urllib.error.HTTPError as exc:
            return HttpReply(status=exc.code, headers=tuple(exc.headers.items()), body=exc.read())
        except TimeoutError as exc:
            raise HttpTimeout(str(exc)) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise HttpTimeout(str(exc.reason)) from exc
            raise IntegrationConfigError(f"Invalid endpoint address: {url} ({exc.reason})") from exc

    send.allowlist = hosts  # type: ignore[attr-defined]
    return send
