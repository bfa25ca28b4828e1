"""The demo's scheduled publisher: every second, push prices to the ticker's subscribers.

In AWS an EventBridge rule would invoke a Lambda every second that calls PostToConnection for each
subscriber. Here one asyncio task per server process plays that role; a per-second counter in the
shared Store elects one publisher, so with several processes each tick is still sent once.
"""

from __future__ import annotations

import asyncio
import json
import time

from asgiref.sync import sync_to_async

from gateway_lab.engine.websocket import ConnectionTable, Push
from gateway_lab.functions.websocket.ticker import TABLE, prices

from . import services
from .delivery import deliver

API_ID, STAGE = "demo-ws", "prod"
_task: asyncio.Task[None] | None = None


def ensure_running() -> None:
    """Start this process's publisher once (call from inside the event loop)."""
    global _task
    loop = asyncio.get_running_loop()
    if _task is None or _task.done() or _task.get_loop() is not loop:
        _task = loop.create_task(_run())


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
        pushes = await sync_to_async(tick, thread_sensitive=True)(int(time.time()))
        if pushes:
            await deliver(pushes)
