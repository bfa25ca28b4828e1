"""The HTTP transport port and its default adapter: operator-listed hosts only, checked after DNS.

A transport is any callable ``(method, url, headers, body, timeout_s) -> HttpReply`` (tests pass a
plain function, like httpx's MockTransport). The default one, ``allow_listed_transport``:

- accepts only the methods API Gateway allows on HTTP integrations, as RFC 7230 tokens, so nothing
  a definition says can be smuggled onto the request line (a method with spaces once spoke Redis);
- calls only hosts the operator lists in ``GATEWAY_LAB_HTTP_ALLOWLIST`` (empty by default: a fresh
  server reaches nothing), on ports 80, 443 or above 1024 (§6.4), never a blocked service port;
- resolves the name itself, checks **every** resolved address and connects to the address it
  checked, so a DNS answer that changes between check and connect (rebinding) cannot switch it.
  Loopback, private, link-local, unspecified, multicast and reserved addresses are refused unless
  the operator lists that exact address as an allow-list entry (``127.0.0.1``, ``[::1]``);
- never follows redirects (API Gateway hands a backend's 3xx back to the client as is);
- bounds the real wait (``max_wait_s``, a few seconds, whatever the integration timeout says) and
  the reply size (10 MB, the payload limit, §5.1).

A backend that answers garbage or hangs up raises ``HttpBackendError``; the integration turns it
into the gateway's integration failure, never an exception out of the site.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .types import IntegrationConfigError

# RFC 7230 §3.1.1: method = token; token = 1*tchar.
METHOD_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}\Z")
# The methods an HTTP/HTTP_PROXY integration may use (BOTO:apigateway Integration.httpMethod; ANY is
# resolved to the client's method before the call).
INTEGRATION_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
MAX_WAIT_S = 5.0  # real seconds a simulation may wait on one backend call
MAX_REPLY_BYTES = 10 * 1024 * 1024  # §5.1: payload 10 MB
# Services that must never be reached whatever the allow-list says (Redis, PostgreSQL, memcached,
# MySQL, MongoDB); the Django side adds the ports of the configured REDIS_URL and DATABASE_URL.
BLOCKED_PORTS = frozenset({5432, 6379, 6380, 11211, 3306, 27017})

Resolver = Callable[[str, int], list[str]]


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpReply:
    """What the backend answered; ``elapsed_ms`` lets fake transports model a slow backend."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    elapsed_ms: float = 0.0


class HttpTimeout(Exception):  # noqa: N818 — mirrors socket.timeout
    """The backend did not answer within the integration timeout."""


class HttpBackendError(Exception):
    """The backend was reached but hung up or answered something that is not HTTP."""


HttpTransport = Callable[[str, str, tuple[tuple[str, str], ...], bytes, float], HttpReply]


def check_method(method: str) -> str:
    """Return ``method`` if it is an RFC 7230 token API Gateway allows on HTTP integrations, else raise."""
    if not METHOD_TOKEN.match(method) or method.upper() not in INTEGRATION_METHODS:
        raise IntegrationConfigError(
            f"Invalid integration HTTP method {method!r}: use one of {', '.join(INTEGRATION_METHODS)}"
        )
    return method.upper()


@dataclass(frozen=True, slots=True)
class AllowEntry:
    """One allow-list entry: a host name or an exact IP address, optionally with a port."""

    host: str
    port: int | None = None

    @property
    def address(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        return _ip(self.host)


def parse_allowlist(entries: Iterable[str]) -> tuple[AllowEntry, ...]:
    """Parse ``host``, ``host:port``, ``1.2.3.4``, ``::1`` and ``[::1]:8080`` entries (bad ones are dropped)."""
    parsed = []
    for raw in entries:
        text = raw.strip().lower()
        host, port = text, None
        if text.startswith("["):
            host, _, rest = text[1:].partition("]")
            port = _port(rest.removeprefix(":")) if rest else None
        elif text.count(":") == 1:
            host, _, rest = text.partition(":")
            port = _port(rest)
        host = host.rstrip(".")
        if host and port != -1:
            parsed.append(AllowEntry(host, port))
    return tuple(parsed)


def _port(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < int(text) < 65536 else -1


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Return the address ``text`` spells in canonical notation only (``127.1`` and ``0177.0.0.1`` are names)."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for globally routable unicast addresses only."""
    return address.is_global and not (
        address.is_multicast or address.is_loopback or address.is_link_local or address.is_unspecified
    )


def system_resolver(host: str, port: int) -> list[str]:
    """Return every address ``host`` resolves to (the operating system's resolver)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise IntegrationConfigError(f"Invalid endpoint address: cannot resolve {host!r} ({exc})") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """A checked destination: the name for Host/SNI and the one address to connect to."""

    scheme: str
    host: str
    port: int
    address: str
    path: str


def check_url(
    url: str,
    allowlist: Iterable[str | AllowEntry],
    *,
    resolver: Resolver = system_resolver,
    blocked_ports: Iterable[int] = BLOCKED_PORTS,
) -> Target:
    """Return where to connect for ``url``, or raise ``IntegrationConfigError`` saying why not (§6.4)."""
    entries = tuple(p for e in allowlist for p in ((e,) if isinstance(e, AllowEntry) else _entries(e)))
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise IntegrationConfigError(f"Invalid endpoint address: {url!r}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise IntegrationConfigError(f"Invalid endpoint address: {url!r}")
    host = parts.hostname.lower().rstrip(".")
    if port not in (80, 443) and port <= 1024:
        raise IntegrationConfigError(f"Port {port} is not allowed: use 80, 443 or a port above 1024")
    if port in set(blocked_ports):
        raise IntegrationConfigError(f"Port {port} belongs to a service the gateway must never call")
    literal = _ip(host)
    matching = [
        e
        for e in entries
        if (e.port is None or e.port == port)
        and (e.host == host if literal is None else e.address is not None and e.address == literal)
    ]
    if not matching:
        raise IntegrationConfigError(f"Host {host!r} is not in the HTTP integration allow-list")
    # Exact addresses the operator listed may be private (a lab backend on loopback); nothing else.
    listed = {e.address for e in entries if e.address is not None and (e.port is None or e.port == port)}
    resolved = [literal.compressed] if literal is not None else resolver(host, port)
    if not resolved:
        raise IntegrationConfigError(f"Invalid endpoint address: {host!r} has no address")
    for text in resolved:
        address = _ip(text.split("%", 1)[0])
        if address is None or not (is_public(address) or address in listed):
            raise IntegrationConfigError(
                f"Host {host!r} resolves to {text}, a loopback, private or reserved address "
                "the allow-list does not name"
            )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=parts.scheme, host=host, port=port, address=resolved[0], path=path)


def _entries(entry: str) -> tuple[AllowEntry, ...]:
    return parse_allowlist([entry])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connect to the address that was checked, whatever the name resolves to now."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def allow_listed_transport(
    allowlist: Iterable[str] = (),
    *,
    resolver: Resolver = system_resolver,
    max_wait_s: float | None = MAX_WAIT_S,
    blocked_ports: Iterable[int] = BLOCKED_PORTS,
) -> HttpTransport:
    """Return a transport that only calls hosts in ``allowlist`` (nothing when it is empty).

    ``resolver`` is the injection point for tests (a name that resolves to loopback); ``max_wait_s``
    caps each real wait (``None`` in the live gateway, which waits the integration timeout as AWS does).
    """
    entries = parse_allowlist(allowlist)
    blocked = frozenset(blocked_ports)

    def send(
        method: str, url: str, headers: tuple[tuple[str, str], ...], body: bytes, timeout_s: float
    ) -> HttpReply:
        method = check_method(method)
        target = check_url(url, entries, resolver=resolver, blocked_ports=blocked)
        wait = timeout_s if max_wait_s is None else min(timeout_s, max_wait_s)
        return _exchange(target, method, headers, body, wait)

    send.allowlist = tuple(e.host for e in entries)  # type: ignore[attr-defined]
    return send


def _exchange(
    target: Target, method: str, headers: tuple[tuple[str, str], ...], body: bytes, wait_s: float
) -> HttpReply:
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout=max(wait_s, 0.05))
    deadline = time.monotonic() + wait_s
    try:
        connection.request(method, target.path, body=body or None, headers=dict(headers))
        reply = connection.getresponse()
        chunks, size = [], 0
        while chunk := reply.read(65_536):
            size += len(chunk)
            if size > MAX_REPLY_BYTES:
                raise HttpBackendError(f"The backend's reply exceeds {MAX_REPLY_BYTES} bytes (§5.1)")
            if time.monotonic() > deadline:
                raise HttpTimeout(f"The backend did not finish within {wait_s:g} s")
            chunks.append(chunk)
        return HttpReply(status=reply.status, headers=tuple(reply.getheaders()), body=b"".join(chunks))
    except TimeoutError as exc:
        raise HttpTimeout(str(exc) or "timed out") from exc
    except (ConnectionRefusedError, socket.gaierror) as exc:
        raise IntegrationConfigError(
            f"Invalid endpoint address: {target.host}:{target.port} ({exc})"
        ) from exc
    except (ValueError, http.client.InvalidURL) as exc:  # control characters in a header or the path
        raise IntegrationConfigError(f"Invalid integration request: {exc}") from exc
    except (http.client.HTTPException, ssl.SSLError, OSError) as exc:
        raise HttpBackendError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        connection.close()
