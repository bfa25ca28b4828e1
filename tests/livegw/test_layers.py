"""Broadcast delivery through the channel layer: one message to many channels (§9 fan-out)."""

from __future__ import annotations

import ast
import time

import pytest
from channels_redis.core import RedisChannelLayer

from gateway_lab.livegw.layers import InMemoryChannelLayer, send_many

MESSAGE = {"type": "ws.push", "text": "hello"}


async def test_send_many_in_memory_reaches_every_channel() -> None:
    """§9: a fan-out reaches each channel once."""
    layer = InMemoryChannelLayer()
    channels = [await layer.new_channel() for _ in range(3)]
    await send_many(layer, channels, MESSAGE)
    assert [await layer.receive(c) for c in channels] == [MESSAGE] * 3


async def test_in_memory_layer_still_drops_expired_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Channels' expiry still holds: once the sweep interval has passed, an expired message is dropped."""
    layer = InMemoryChannelLayer(expiry=1)
    stale, fresh = await layer.new_channel(), await layer.new_channel()
    await layer.send(stale, {"type": "old"})
    clock = time.time() + 5  # the message's expiry and the sweep interval both lie in the past now
    monkeypatch.setattr(time, "time", lambda: clock)
    monkeypatch.setattr(time, "monotonic", lambda: clock)
    await layer.send(fresh, {"type": "new"})
    assert await layer.receive(fresh) == {"type": "new"}
    assert stale not in layer.channels


@pytest.mark.redis
async def test_send_many_redis_reaches_every_local_channel(redis_url: str) -> None:
    """§9: on Redis one batched call delivers to every process-local channel."""
    layer = RedisChannelLayer(hosts=[redis_url], prefix="test-send-many")
    channels = [await layer.new_channel() for _ in range(3)]
    await send_many(layer, channels, MESSAGE)
    received = [await layer.receive(c) for c in channels]
    await layer.flush()
    assert received == [MESSAGE] * 3


@pytest.mark.redis
async def test_send_many_redis_uses_one_call_per_shard(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 50-channel broadcast on one Redis is one Lua call, not 50 sends."""
    layer = RedisChannelLayer(hosts=[redis_url], prefix="test-send-many-calls")
    channels = [await layer.new_channel() for _ in range(50)]
    connection = layer.connection(0)
    real_eval, evals = connection.eval, []

    async def counting_eval(*args: object) -> object:
        evals.append(args[0])
        return await real_eval(*args)

    monkeypatch.setattr(connection, "eval", counting_eval)
    await send_many(layer, channels, MESSAGE)
    count = len(evals)
    await layer.flush()
    assert count == 1


def test_redis_layer_reads_outlast_its_blocking_receive() -> None:
    """A waiting consumer must not crash: the socket timeout exceeds channels_redis's blocking receive (5 s)."""
    from tests.core.test_settings import _settings_value

    hosts = _settings_value(
        "settings.CHANNEL_LAYERS['default']['CONFIG']['hosts']", {"REDIS_URL": "redis://h/0"}
    )
    socket_timeout = ast.literal_eval(hosts)[0]["socket_timeout"]  # the printed list of dicts
    assert socket_timeout > RedisChannelLayer.brpop_timeout
