"""Shared fixtures: a real ASGI server (uvicorn, as ``make run`` serves) and Debian's Chromium.

Browser tests (``@pytest.mark.browser``) run last: the sync Playwright API runs an event loop in
the test thread, which would break pytest-asyncio tests that came after it (TOOLCHAIN.md).
"""

from __future__ import annotations

import inspect
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
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
        return (
            f"postgres://{auth}/{settings_dict['NAME']}?host={host}&port={settings_dict.get('PORT') or 5432}"
        )
    return f"postgres://{auth}{host}:{settings_dict.get('PORT') or 5432}/{settings_dict['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AsgiServer:
    """A uvicorn process serving the project's ASGI application (HTTP, WebSocket, static files).

    The same server ``make run`` uses: Daphne cannot send AWS's close codes 1001/1003/1009 nor
    answer a refused upgrade with 401, so tests against it would pass for the wrong server.
    """

    START_TIMEOUT_S = 30

    def __init__(self, *, env: dict[str, str] | None = None) -> None:
        from django.db import connections

        child_env = {
            **os.environ,
            "DATABASE_URL": _database_url_for_child(connections["default"].settings_dict),
            "DEBUG": "true",  # as `make run`: servestatic's middleware serves static/ from the finders
            **(env or {}),
        }
        child_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the test process's Playwright workaround only
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 -- read on failure, closed in stop()
        self.port = _free_port()
        command = [sys.executable, "-m", "uvicorn", "gateway_lab.asgi:application", "--host", "127.0.0.1",
                   "--port", str(self.port), "--lifespan", "off", "--no-access-log",
                   "--ws", "gateway_lab.livegw.wsframes:FrameReportingProtocol"]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=child_env, stdout=self._log, stderr=self._log)
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        output = self.output()
        self.stop()
        raise RuntimeError(f"The uvicorn test server did not start:\n{output}")

    def output(self) -> str:
        """Return what the server wrote to stdout and stderr so far."""
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> Iterator[None]:
    """pytest-django's test databases, and before they are dropped, the connection that async tests
    left open in asgiref's one sync thread closed: on PostgreSQL an open session stops the drop
    (``database "test_…" is being accessed by other users``)."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


# Every ASGI communicator the tests create, in order (see _communicators_finished).
_communicators: list[Any] = []


@pytest.fixture(scope="session", autouse=True)
def _track_communicators() -> Iterator[None]:
    from asgiref.testing import ApplicationCommunicator

    original = ApplicationCommunicator.__init__

    def tracked(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        _communicators.append(self)

    ApplicationCommunicator.__init__ = tracked  # type: ignore[method-assign]
    yield
    ApplicationCommunicator.__init__ = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _communicators_finished(request: pytest.FixtureRequest) -> None:
    """An async test ends with every application it started finished (see the fixture below)."""
    if inspect.iscoroutinefunction(request.function):
        request.getfixturevalue("_disconnect_leftover_communicators")


@pytest.fixture
async def _disconnect_leftover_communicators() -> AsyncIterator[None]:
    """Disconnect, as a client that went away would, the consumers a test left running (a socket the
    server closed, with no client disconnect after it). Left to the event loop's shutdown, they are
    cancelled instead, and a consumer cancelled inside the Redis channel layer's receive can hang
    the teardown until pytest-timeout fails it."""
    first = len(_communicators)
    yield
    leftover = _communicators[first:]
    del _communicators[first:]
    for communicator in leftover:
        future = communicator._future  # None when the application was never started
        if future is None or future.done():
            continue
        kind = communicator.scope["type"]
        if kind in ("websocket", "http"):
            await communicator.send_input({"type": f"{kind}.disconnect", "code": 1001})
        await communicator.wait(timeout=2)


@pytest.fixture(scope="session")
def asgi_server(django_db_setup: None, django_db_blocker: Any) -> Iterator[AsgiServer]:
    """A live ASGI server on the test database, shared by the session's browser tests.

    Its per-address rate limits are off: every browser test comes from 127.0.0.1, like a whole class behind
    one school address, and the limits would trip on the suite rather than on what a test checks. The
    limiters have their own tests (tests/api/test_visualizer_rate_limit.py, the wiki's login tests).
    """
    unlimited = {
        "GATEWAY_LAB_VISUALIZER_RATE": "off",
        "GATEWAY_LAB_SIMULATION_RATE": "off",
        "GATEWAY_LAB_LOGIN_RATE": "off",
    }
    with django_db_blocker.unblock():
        server = AsgiServer(env=unlimited)
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


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest) -> Iterator[None]:
    """Users made by tests hash their passwords with MD5: PBKDF2's 1,000,000 rounds cost ~0.5 s per user,
    in both of ``make test``'s passes. Not for browser tests: they sign in through the uvicorn server,
    whose settings do not know MD5."""
    if request.node.get_closest_marker("browser") is not None:
        yield
        return
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Each test starts with fresh per-client rate-limit windows (gateway_lab.api.ratelimit, issue 16)."""
    from gateway_lab.api import ratelimit

    ratelimit.reset()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's default language. A request through the test client leaves
    LocaleMiddleware's choice active on the thread, so in random order (pytest-randomly) a zh-Hans
    request would otherwise translate the next test's messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
