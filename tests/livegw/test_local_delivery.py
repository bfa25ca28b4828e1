"""Pushes to sockets of this process skip the channel layer; others still go through it (issue 17).

A 1,000-client broadcast spent most of its time in one channel-layer message per client (queue,
consumer wake-up, dispatch). A consumer now registers itself with ``delivery`` and the chat's
fan-out (AWS's sample: @connections PostToConnection per client, GATEWAY_FACTS.md §9) reaches it
directly; channels of other processes keep the channel layer (see test_redis_cross_process.py).
"""

from __future__ import annotations

import json

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from gateway_lab.asgi import application
from gateway_lab.engine.websocket import Push
from gateway_lab.livegw import delivery

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = [(b"origin", b"http://localhost")]


async def _open() -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, "/gw/demo-ws/prod", headers=ORIGIN)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_chat_fan_out_in_one_process_sends_nothing_through_the_channel_layer(monkeypatch) -> None:
    """§9: three clients get every broadcast, in order, and the layer carries no push to them.

    (Connections other tests left in the shared registry still get theirs through the layer.)
    """
    layer = get_channel_layer()
    sent: list[str] = []
    original = layer.send

    async def counting_send(channel: str, message: dict) -> None:
        sent.append(channel)
        await original(channel, message)

    monkeypatch.setattr(layer, "send", counting_send)
    before = set(delivery._local)
    clients = [await _open() for _ in range(3)]
    ours = set(delivery._local) - before
    assert len(ours) == 3
    for text in ("one", "two", "three"):
        await clients[0].send_to(text_data=json.dumps({"action": "sendmessage", "data": text}))
    for client in clients:
        assert [await client.receive_from(timeout=5) for _ in range(3)] == ["one", "two", "three"]
    assert not ours & set(sent)
    for client in clients:
        await client.disconnect()
    assert not ours & set(delivery._local)


async def test_a_channel_of_another_process_still_goes_through_the_layer() -> None:
    """A push for a channel no consumer here registered is sent on the channel layer, unchanged."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await delivery.deliver([Push(connection_id="Xx1=", data=b"hello", channel=channel)])
    assert await layer.receive(channel) == {"type": "ws.push", "text": "hello"}


async def test_a_client_gone_mid_broadcast_does_not_stop_the_others() -> None:
    """One socket failing costs only its own copy."""

    class Gone:
        async def base_send(self, message: dict) -> None:
            raise OSError("connection reset")

        async def close_from_server(self, code: int, reason: str) -> None:
            raise OSError("connection reset")

    client = await _open()
    delivery.register("gone-channel", Gone())
    try:
        mine = next(name for name, (_, consumer) in delivery._local.items() if not isinstance(consumer, Gone))
        await delivery.deliver(
            [
                Push(connection_id="Gone=", data=b"hi", channel="gone-channel"),
                Push(connection_id="Mine=", data=b"hi", channel=mine),
            ]
        )
        assert await client.receive_from(timeout=5) == "hi"
    finally:
        delivery.unregister("gone-channel")
        await client.disconnect()
