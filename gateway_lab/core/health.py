"""The health check: database and channel layer probes, each bounded by a timeout.

``/healthz`` answers 200 when both probes pass and 503 otherwise, always within about
``PROBE_TIMEOUT_S``, whatever the database or the channel layer (Redis) is doing:

- the database probe runs ``SELECT 1`` in a thread of its own; while an earlier probe is still stuck
  there, a new one reports ``error: busy`` instead of queueing behind it;
- the channel-layer probe sends a message to a fresh plain channel and reads it back. A plain name
  (no ``!``) is read directly, not through the per-process receive loop that channels_redis shares
  with the WebSocket consumers: that shared loop is what made the old probe hang while a client
  was connected.

``serve_health`` answers ``/healthz`` straight from ASGI, before Django: Django runs every
request's ``request_started``/``request_finished`` handlers in its single sync thread, so a health
request would wait behind whatever sync views (simulations) are queued there.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

PROBE_TIMEOUT_S = 1.0
HEALTH_PATH = "/healthz"
_db_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz-db")
_db_probe: Future[str] | None = None


def _database_probe() -> str:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close_if_unusable_or_obsolete()
    return "ok"


async def check_database() -> str:
    global _db_probe
    if _db_probe is not None and not _db_probe.done():
        return "error: busy"  # the previous probe is still stuck: don't pile up threads behind it
    _db_probe = _db_executor.submit(_database_probe)
    return await asyncio.wait_for(asyncio.wrap_future(_db_probe), PROBE_TIMEOUT_S)


async def check_channel_layer() -> str:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return "missing"
    channel = f"healthz.{uuid.uuid4().hex}"

    async def round_trip() -> str:
        await layer.send(channel, {"type": "healthz.ping"})
        message = await layer.receive(channel)
        return "ok" if message.get("type") == "healthz.ping" else "bad reply"

    return await asyncio.wait_for(round_trip(), PROBE_TIMEOUT_S)


async def _bounded(check: Callable[[], Awaitable[str]]) -> str:
    try:
        return await check()
    except TimeoutError:
        return f"error: no answer within {PROBE_TIMEOUT_S:g} s"
    except Exception as exc:  # a health check reports failures, it does not raise them
        return f"error: {exc.__class__.__name__}"


async def report() -> tuple[int, dict[str, Any]]:
    """Return (status, body): 200 when every probe says ``ok``, else 503."""
    database, channel_layer = await asyncio.gather(_bounded(check_database), _bounded(check_channel_layer))
    checks = {"database": database, "channel_layer": channel_layer}
    healthy = all(value == "ok" for value in checks.values())
    return (200 if healthy else 503), {"status": "ok" if healthy else "error", "checks": checks}


NO_CACHE = (b"cache-control", b"max-age=0, no-cache, no-store, must-revalidate, private")


async def serve_health(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answer ``GET``/``HEAD /healthz`` as an ASGI app (405 for other methods)."""
    method = scope.get("method", "GET")
    headers = [NO_CACHE, (b"x-content-type-options", b"nosniff")]
    if method not in ("GET", "HEAD"):
        status, body = 405, b""
        headers.append((b"allow", b"GET, HEAD"))
    else:
        status, data = await report()
        body = json.dumps(data).encode()
        headers.append((b"content-type", b"application/json"))
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})


def with_health(app: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """Wrap an ASGI app so that ``/healthz`` is answered before it (see the module docstring)."""

    async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("path") == HEALTH_PATH:
            await serve_health(scope, receive, send)
            return
        await app(scope, receive, send)

    return application
