"""The demo's scheduled publisher: every second, push prices to the ticker's subscribers.

In AWS an EventBridge rule would invoke a Lambda every second that calls PostToConnection for each
subscriber. Here one asyncio task per server process plays that role; a per-second counter in the
shared Store elects one publisher, so with several processes each tick is still sent once.

The task runs only while this process holds at least one demo-ws connection (``joined``/``left``):
when the last one closes (as every socket does when the server shuts down) it is cancelled, so no
background task outlives the connections and a SIGTERM ends the process at once. A tick that fails
(Redis unreachable) is skipped and logged; the next second tries again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

from asgiref.sync import sync_to_async

from gateway_lab.engine.websocket import ConnectionTable, Push
from gateway_lab.functions.websocket.ticker import TABLE, prices

from . import services
from .delivery import deliver
from .layers import OUTAGE_ERRORS

logger = logging.getLogger(__name__)
API_ID, STAGE = "demo-ws", "prod"
_task: asyncio.Task[None] | None = None
_holders = 0  # demo-ws connections open in this process


def ensure_running() -> None:
    """Start this process's publisher once (call from inside the event loop)."""
    global _task
    loop = asyncio.get_running_loop()
    if _task is None or _task.done() or _task.get_loop() is not loop:
        _task = loop.create_task(_run())


def joined() -> None:
    """A demo-ws connection opened in this process: make sure the publisher runs."""
    global _holders
    _holders += 1
    ensure_running()


def left() -> None:
    """A demo-ws connection closed: stop the publisher with the last one."""
    global _holders
    _holders = max(0, _holders - 1)
    if _holders == 0:
        stop()


def stop() -> None:
    """Cancel this process's publisher (it restarts with the next connection)."""
    global _task
    if _task is not None and not _task.done() and not _task.get_loop().is_closed():
        _task.cancel()
    _task = None


def running() -> bool:
    return _task is not None and not _task.done() and not _task.get_loop().is_closed()


def tick(second: int) -> list[Push]:
    """Return the pushes of ``second`` if this process won that second's election, else nothing."""
    gateway = services.gateway_for(API_ID, STAGE)
    if gateway is None or gateway.store.incr(f"tick:{API_ID}:{STAGE}:{second}", ttl_ms=10_000) != 1:
        return []
    table = ConnectionTable(gateway.store, f"table:{API_ID}:{STAGE}:{TABLE}:")
    payload = json.dumps(
        {"type": "tick", "second": second, "sent_ms": int(time.time() * 1000), "prices": prices(second)}
    )
    api = gateway.connections_api()
    subscribers = table.scan()
    api.prefetch(subscribers)
    for connection_id in subscribers:
        if api.post(connection_id, payload).status == 410:
            table.delete(connection_id)  # the subscriber left without unsubscribing
    return [a for a in api.outbox if isinstance(a, Push)]


async def _run() -> None:
    while True:
        await asyncio.sleep(1 - (time.time() % 1))  # on the second boundary
        try:
            pushes = await sync_to_async(tick, thread_sensitive=False)(int(time.time()))
            if pushes:
                await deliver(pushes)
        except OUTAGE_ERRORS as exc:
            logger.warning("ticker: tick skipped, store or channel layer unavailable (%r)", exc)
