"""Shared fixtures: a real ASGI server (Daphne, in a child process) and Debian's Chromium.

Browser tests (``@pytest.mark.browser``) run last: the sync Playwright API runs an event loop in
the test thread, which would break pytest-asyncio tests that came after it (TOOLCHAIN.md).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest

# A Daphne child forked after an async test hangs on sync_to_async: always spawn (TOOLCHAIN.md).
multiprocessing.set_start_method("spawn", force=True)

CHROMIUM = os.environ.get("GATEWAY_LAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests after every other test."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def _database_url_for_child(settings_dict: dict[str, Any]) -> str:
    """Build a DATABASE_URL that points a child process at the *test* database."""
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user, password = settings_dict.get("USER") or "", settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    if host.startswith("/"):
        return f"postgres://{auth}/{settings_dict['NAME']}?host={host}&port={settings_dict.get('PORT') or 5432}"
    return f"postgres://{auth}{host}:{settings_dict.get('PORT') or 5432}/{settings_dict['NAME']}"


class AsgiServer:
    """A Daphne process serving the project's ASGI application (HTTP and WebSocket)."""

    def __init__(self, *, env: dict[str, str] | None = None) -> None:
        from channels.testing.live import make_application
        from daphne.testing import DaphneProcess
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
        from django.db import connections

        self._saved = {k: os.environ.get(k) for k in ("DATABASE_URL", *(env or {}))}
        os.environ["DATABASE_URL"] = _database_url_for_child(connections["default"].settings_dict)
        os.environ.update(env or {})
        try:
            self.process = DaphneProcess(
                "127.0.0.1", partial(make_application, static_wrapper=ASGIStaticFilesHandler)
            )
            self.process.start()
        finally:
            for key, value in self._saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        while not self.process.ready.wait(timeout=1):
            if not self.process.is_alive():
                raise RuntimeError("The Daphne test server stopped before it was ready")
        self.port = self.process.port.value
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()


@pytest.fixture(scope="session")
def asgi_server(django_db_setup: None, django_db_blocker: Any) -> Iterator[AsgiServer]:
    """A live ASGI server on the test database, shared by the session's browser tests."""
    with django_db_blocker.unblock():
        server = AsgiServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (no browser download: TOOLCHAIN.md)."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package (.ci/run does).")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # tests only: sync Playwright runs a loop here
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


class PageWatch:
    """What a page did besides rendering: requests to other origins and console errors."""

    def __init__(self, page: Any, origin: str) -> None:
        self.foreign_requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", self._on_request(origin))
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def _on_request(self, origin: str) -> Any:
        def record(request: Any) -> None:
            url = request.url
            if not (url.startswith(origin) or url.startswith(("data:", "blob:", "about:"))):
                self.foreign_requests.append(url)

        return record


@pytest.fixture
def page(chromium: Any, asgi_server: AsgiServer) -> Iterator[Any]:
    """A fresh browser context and page; ``page.watch`` records foreign requests and console errors."""
    context = chromium.new_context(base_url=asgi_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.watch = PageWatch(page, asgi_server.url)
    yield page
    context.close()
