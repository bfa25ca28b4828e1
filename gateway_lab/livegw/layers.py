"""Channel-layer plumbing for broadcasts: batched sends, a bounded pool, an O(1) in-memory receive.

A broadcast (the chat's fan-out, a ticker tick) sends the same message to hundreds of channels.
Channels' API has ``send`` (one channel) and ``group_send`` (a named group), nothing in between, so:

- on channels_redis, every channel of one server process shares one Redis list, so one Lua call per
  Redis shard stores the message once with the list of its process-local channels: the receiving
  process reads it once and hands it to each consumer (what ``group_send`` does after its group
  lookup). This reuses channels_redis 4.x's ``_map_channel_keys_to_connection``;
- on any other layer (the in-memory one), one ``send`` per channel, which costs O(1) each.

A semaphore keeps the channel-layer calls in flight per event loop below channels_redis's pool of
100 connections, whose async pool raises "Too many connections" instead of waiting.

``InMemoryChannelLayer`` is Channels' in-memory layer with one change: it drops expired messages at
most every ``CLEAN_INTERVAL_S`` instead of on every ``receive``. Channels scans every non-empty
channel queue on every receive, so when 1,000 consumers each take one message of a broadcast the
scans alone cost O(n²) (about half a second for 1,000 clients on this machine).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import sys
import time
import weakref
from collections.abc import Sequence
from typing import Any

from channels import layers
from channels.exceptions import ChannelFull
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
# What an unreachable or failing Redis raises (from the Store or the channel layer): redis-py's errors,
# refused or reset sockets, and a bounded wait that ran out.
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError, asyncio.TimeoutError)
CLEAN_INTERVAL_S = 1.0  # messages live 60 s by default: a second's delay to drop one changes nothing
IN_FLIGHT = 32  # channel-layer calls at once per event loop: well under channels_redis's pool (100)

# Per key: drop expired messages, add ours unless the list is at capacity, refresh the expiry.
_SEND_MANY_LUA = """
local over = 0
local now = tonumber(ARGV[#ARGV - 1])
local expiry = tonumber(ARGV[#ARGV])
for i = 1, #KEYS do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, now - expiry)
    if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[i + #KEYS]) then
        redis.call('ZADD', KEYS[i], now, ARGV[i])
        redis.call('EXPIRE', KEYS[i], math.floor(expiry))
    else
        over = over + 1
    end
end
return over
"""


class InMemoryChannelLayer(layers.InMemoryChannelLayer):
    """Channels' in-memory layer whose expiry sweep runs at most once per ``CLEAN_INTERVAL_S``."""

    _swept_at: float = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._swept_at >= CLEAN_INTERVAL_S:
            self._swept_at = now
            super()._clean_expired()


_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def gate() -> asyncio.Semaphore:
    """Return this event loop's limit on channel-layer calls in flight."""
    loop = asyncio.get_running_loop()
    semaphore = _gates.get(loop)
    if semaphore is None:
        semaphore = _gates[loop] = asyncio.Semaphore(IN_FLIGHT)
    return semaphore


async def send_many(layer: Any, channels: Sequence[str], message: dict[str, Any]) -> None:
    """Send ``message`` to every channel in ``channels`` (a full channel drops it, as group_send does)."""
    if not channels:
        return
    if _is_redis(layer):
        async with gate():
            await _redis_send_many(layer, channels, message)
        return
    for channel in channels:
        with contextlib.suppress(ChannelFull):
            await layer.send(channel, message)


def _is_redis(layer: Any) -> bool:
    # Not imported means not in use: importing channels_redis here would cost ~0.1 s on first call.
    core = sys.modules.get("channels_redis.core")
    return core is not None and isinstance(layer, core.RedisChannelLayer)


async def _redis_send_many(layer: Any, channels: Sequence[str], message: dict[str, Any]) -> None:
    by_connection, keyed_messages, capacities = layer._map_channel_keys_to_connection(list(channels), message)
    for index, keys in by_connection.items():
        args = [keyed_messages[key] for key in keys] + [capacities[key] for key in keys]
        over = await layer.connection(index).eval(
            _SEND_MANY_LUA, len(keys), *keys, *args, time.time(), layer.expiry
        )
        if over:
            logger.info("%s of %s channel lists over capacity in a broadcast", over, len(keys))


# --- Ending a consumer without waiting on a stuck channel-layer receive ----------------------------

CANCEL_ATTEMPTS = 10
CANCEL_WAIT_S = 0.2


async def cancel_and_wait(task: asyncio.Future[Any]) -> None:
    """Cancel ``task`` and wait for it, cancelling again while it goes on (at most ~2 s in all).

    A channels_redis receive cancelled at the wrong moment (inside redis-py's read of its blocking
    BZPOPMIN) can swallow the cancellation and start the next BZPOPMIN: a consumer that awaited it,
    as Channels' ``await_many_dispatch`` does, never finished, so uvicorn's shutdown waited for
    it ("Waiting for background tasks") until a second signal. A second cancel ends it.
    """
    for _ in range(CANCEL_ATTEMPTS):
        if task.done():
            break
        task.cancel()
        await asyncio.wait({task}, timeout=CANCEL_WAIT_S)
    if not task.done():
        logger.warning("a channel-layer receive ignored %s cancellations; left behind", CANCEL_ATTEMPTS)
        return
    if not task.cancelled():
        task.exception()  # retrieved: an error after the consumer ended is not worth a warning


async def dispatch_until_stopped(callables: Sequence[Any], dispatch: Any) -> None:
    """Channels' ``await_many_dispatch``, ending its pending receives with ``cancel_and_wait``."""
    tasks = [asyncio.ensure_future(receive()) for receive in callables]
    try:
        while True:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for index, task in enumerate(tasks):
                if task.done():
                    result = task.result()
                    await dispatch(result)
                    tasks[index] = asyncio.ensure_future(callables[index]())
    finally:
        for task in tasks:
            await cancel_and_wait(task)


class BoundedExitMixin:
    """For Channels consumers: the same ``__call__``, with ``dispatch_until_stopped`` as its loop."""

    channel_layer_alias: str
    channel_layer: Any
    channel_name: str
    dispatch: Any

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        from channels.exceptions import StopConsumer

        self.scope = scope
        self.channel_layer = layers.get_channel_layer(self.channel_layer_alias)
        callables = [receive]
        if self.channel_layer is not None:
            self.channel_name = await self.channel_layer.new_channel()
            self.channel_receive = functools.partial(self.channel_layer.receive, self.channel_name)
            callables.append(self.channel_receive)
        self.base_send = send
        with contextlib.suppress(StopConsumer):  # the consumer asked to stop, as in Channels
            await dispatch_until_stopped(callables, self.dispatch)
