"""Site-wide response rules: a Content-Security-Policy on every response, and HEAD wherever GET is.

Content-Security-Policy (Django 5.2 has no CSP of its own; 6.0 adds one).

The site's pages run no inline script (``theme.js``, ``site.js`` and htmx are files under
``/static/``), so scripts come from our own origin only: an injected ``<script>`` or ``onerror=``
that got past the sanitiser still would not run. Inline ``style`` *attributes* stay allowed
(``style-src-attr``): Markdown tables align cells with ``style="text-align: …"`` (the only style the
sanitiser keeps) and style cannot run script. Images come from our origin or are ``data:`` images
(the sanitiser keeps only raster ``data:image/…;base64`` in lessons, which make no request).

A view whose page needs another policy is listed in ``POLICY_BY_URL_NAME``: Swagger UI
(``/api/v1/docs/``) writes an inline ``<style>`` block and uses ``data:`` icons, and loads its
start-up script from ``?script`` (drf-spectacular's split view) so it needs no inline script.

HEAD (RFC 9110 §9.3.2): a HEAD request is answered as the GET would be, without the body, so a
view decorated ``require_GET`` does not answer 405 to link checkers and uptime probes.

Both middlewares are sync- and async-capable: under ASGI they add no thread hop (TOOLCHAIN.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase

HEADER = "Content-Security-Policy"

DEFAULT_POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",  # CSP 3: 'self' also matches ws:/wss: on this host (the live gateway)
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

POLICY_BY_URL_NAME: dict[str, dict[str, str]] = {
    "api-docs": {**DEFAULT_POLICY, "style-src": "'self' 'unsafe-inline'"},
}


def serialize(policy: dict[str, str]) -> str:
    """Write a policy as its header value (directives in the order given)."""
    return "; ".join(f"{name} {value}" for name, value in policy.items())


_DEFAULT = serialize(DEFAULT_POLICY)
_BY_NAME = {name: serialize(policy) for name, policy in POLICY_BY_URL_NAME.items()}


def policy_for(request: HttpRequest) -> str:
    """The header value for ``request``: its view's own policy, else the site's."""
    match = getattr(request, "resolver_match", None)
    return _BY_NAME.get(match.view_name, _DEFAULT) if match is not None else _DEFAULT


class _SyncAndAsync:
    """A middleware that runs in whichever mode Django calls it: no thread hop under ASGI.

    Subclasses write ``_call`` (sync) and ``_acall`` (async); this class picks one per call.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        return self._acall(request) if self.is_async else self._call(request)

    def _call(self, request: HttpRequest) -> HttpResponseBase:
        raise NotImplementedError

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        raise NotImplementedError


class ContentSecurityPolicyMiddleware(_SyncAndAsync):
    """Add ``Content-Security-Policy`` unless the view set one itself."""

    def _call(self, request: HttpRequest) -> HttpResponseBase:
        return self._apply(request, self.get_response(request))  # type: ignore[arg-type]

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        response = await self.get_response(request)  # type: ignore[misc]
        return self._apply(request, response)

    @staticmethod
    def _apply(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if HEADER not in response:
            response[HEADER] = policy_for(request)
        return response


class HeadAsGetMiddleware(_SyncAndAsync):
    """Serve HEAD as GET minus the body (``require_GET`` views would otherwise answer 405)."""

    def _call(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "HEAD":
            return self.get_response(request)  # type: ignore[return-value]
        request.method = "GET"
        return self._strip(request, self.get_response(request))  # type: ignore[arg-type]

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "HEAD":
            return await self.get_response(request)  # type: ignore[misc]
        request.method = "GET"
        return self._strip(request, await self.get_response(request))  # type: ignore[misc]

    @staticmethod
    def _strip(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        request.method = "HEAD"
        if not response.streaming:
            length = len(response.content)  # type: ignore[attr-defined]
            response.content = b""  # type: ignore[attr-defined]
            response["Content-Length"] = str(length)
        return response
