"""Thread hops per request under ASGI (issue 17; TOOLCHAIN.md "Sync-only middleware under ASGI").

Every ``sync_to_async`` call is a hop to a thread and back. A minimal Django project needs three for a
plain page (``request_started``, the view, ``request_finished``); with the middleware chain and the
view run in one thread (``core/middleware_stack.py``, ``core/asgi_handler.py``) this project needs
three too, and the target is at most four. Before issue 17 it made 18. These tests
count hops through the project's real ASGI application: a count, not a time, so a middleware added
in a way that costs hops fails here whatever the machine's load.
"""

from __future__ import annotations

from collections import Counter

import pytest
from asgiref.sync import SyncToAsync
from asgiref.testing import ApplicationCommunicator

from gateway_lab.asgi import application

MAX_HOPS = 4

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count every ``sync_to_async`` call by the name of the function it runs."""
    counted: Counter[str] = Counter()
    original = SyncToAsync.__call__

    async def counting(self: SyncToAsync, *args: object, **kwargs: object) -> object:
        counted[getattr(self.func, "__qualname__", repr(self.func))] += 1
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counting)
    return counted


async def _request(
    method: str, path: str, body: bytes = b"", headers: list | None = None, app: object = application
) -> tuple[int, dict]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost"), *(headers or [])],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    communicator = ApplicationCommunicator(app, scope)
    await communicator.send_input({"type": "http.request", "body": body})
    start = await communicator.receive_output(10)
    while (await communicator.receive_output(10)).get("more_body"):
        pass
    await communicator.wait(10)
    return start["status"], {name.decode().lower(): value.decode() for name, value in start["headers"]}


async def test_plain_page_makes_at_most_four_thread_hops(hops: Counter[str]) -> None:
    """Issue 17: the home page through the ASGI app makes ≤ 4 hops (it made 18)."""
    await _request("GET", "/")  # first request: imports, template loading
    hops.clear()
    status, headers = await _request("GET", "/")
    assert status == 200
    assert sum(hops.values()) <= MAX_HOPS, dict(hops)
    # every middleware still ran: its headers are on the response
    assert "content-security-policy" in headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert "accept-language" in headers["vary"].lower()  # LocaleMiddleware
    assert "csrftoken=" in headers.get("set-cookie", "")  # the page asked for a token: CSRF's hook set it


async def test_no_middleware_hook_runs_in_a_thread_of_its_own(hops: Counter[str]) -> None:
    """Issue 17: none of Django's middleware hooks is adapted one by one (the cause of the 18 hops)."""
    await _request("GET", "/")
    per_hook = [
        name for name in hops if name.endswith(("process_request", "process_response", "process_view"))
    ]
    assert per_hook == []


async def test_post_without_csrf_token_is_still_refused_with_every_header(hops: Counter[str]) -> None:
    """The CSRF view check, now in the chain's thread, still refuses a form POST without a token (403)."""
    status, headers = await _request(
        "POST",
        "/i18n/setlang/",
        b"language=zh-hans",
        [(b"content-type", b"application/x-www-form-urlencoded")],
    )
    assert status == 403
    assert headers["x-frame-options"] == "DENY"  # the refusal went back out through the whole chain
    assert "content-security-policy" in headers
    assert sum(hops.values()) <= MAX_HOPS, dict(hops)


def test_each_listed_subclass_stands_for_the_django_middleware_the_deploy_checks_look_for() -> None:
    """``check --deploy`` finds Django's paths in MIDDLEWARE only because each stand-in is a subclass."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    from gateway_lab.core.middleware_list import STANDS_FOR

    for django_path, stand_in in STANDS_FOR.items():
        assert issubclass(import_string(stand_in), import_string(django_path)), stand_in
        assert django_path in settings.MIDDLEWARE
    assert "django.middleware.gzip.GZipMiddleware" not in settings.MIDDLEWARE


async def test_an_async_view_still_answers_through_the_sync_view_path() -> None:
    """``/healthz``'s Django view is async: the handler runs it on the event loop from the chain's thread."""
    from gateway_lab.asgi import django_asgi_app

    status, headers = await _request("GET", "/healthz", app=django_asgi_app)
    assert status in (200, 503)  # 503 only if a probe failed; the view answered either way
    assert headers["content-type"] == "application/json"
    assert "content-security-policy" in headers
