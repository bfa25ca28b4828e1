"""The @connections callback API (GATEWAY_FACTS.md §9, §5.1)."""

from __future__ import annotations

import json
from typing import Any

from gateway_lab.engine.clock import VirtualClock
from gateway_lab.engine.state import MemoryStore
from gateway_lab.engine.websocket import (
    CloseCommand,
    ConnectionRegistry,
    ConnectionsApi,
    Push,
    WebSocketLimits,
)


def _api(limits: WebSocketLimits | None = None) -> tuple[ConnectionsApi, VirtualClock]:
    clock = VirtualClock()
    registry = ConnectionRegistry(
        MemoryStore(clock), api_id="a", stage="prod", limits=limits or WebSocketLimits()
    )
    registry.open("Cc3=", now_ms=clock.now_ms(), source_ip="192.0.2.1", user_agent="wscat")
    return ConnectionsApi(registry, clock), clock


def test_post_pushes_data() -> None:
    """§9: POST /@connections/{id} delivers the data to that client."""
    api, _ = _api()
    result = api.post("Cc3=", b"hello")
    assert result.status == 200 and api.outbox == [Push(connection_id="Cc3=", data=b"hello")]


def test_post_to_unknown_connection_is_gone() -> None:
    """§9: a connection id that no longer exists gives 410 GoneException."""
    api, _ = _api()
    result = api.post("nope=", b"x")
    assert (result.status, result.error_type) == (410, "GoneException")


def test_post_over_128_kb_is_413() -> None:
    """§9, §5.1: Data over 128 KB gives 413 PayloadTooLargeException."""
    api, _ = _api()
    result = api.post("Cc3=", b"x" * (128 * 1024 + 1))
    assert (result.status, result.error_type) == (413, "PayloadTooLargeException")


def test_get_returns_connected_at_identity_last_active() -> None:
    """§9: GET returns connectedAt, identity {sourceIp, userAgent} and lastActiveAt."""
    api, _ = _api()
    body = json.loads(api.get("Cc3=").body)
    assert set(body) == {"connectedAt", "identity", "lastActiveAt"}
    assert body["identity"] == {"sourceIp": "192.0.2.1", "userAgent": "wscat"}


def test_get_shows_last_active_after_message() -> None:
    """§9: lastActiveAt moves when the client sends a message."""
    api, clock = _api()
    clock.advance(1500)
    api.registry.touch("Cc3=", now_ms=clock.now_ms())
    body = json.loads(api.get("Cc3=").body)
    assert body["lastActiveAt"] != body["connectedAt"]


def test_delete_closes_with_204() -> None:
    """§9: DELETE returns 204 and closes the connection."""
    api, _ = _api()
    result = api.delete("Cc3=")
    assert result.status == 204 and isinstance(api.outbox[0], CloseCommand)


def test_delete_then_post_is_gone() -> None:
    """§9: after DELETE the id is gone."""
    api, _ = _api()
    api.delete("Cc3=")
    assert api.post("Cc3=", b"x").status == 410


def test_idle_connection_is_gone() -> None:
    """§5.1: a connection past its idle timeout no longer exists for @connections."""
    api, clock = _api(WebSocketLimits(idle_timeout_ms=1000))
    clock.advance(1000)
    assert api.get("Cc3=").status == 410


def test_handle_refuses_other_methods() -> None:
    """§9: the callback API answers only POST, GET and DELETE."""
    api, _ = _api()
    assert api.handle("PUT", "Cc3=").status == 405


class CountingStore(MemoryStore):
    """A MemoryStore with the optional ``get_many`` extension that counts its reads."""

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__(clock)
        self.gets = self.batches = 0

    def get(self, key: str) -> Any | None:
        self.gets += 1
        return super().get(key)

    def get_many(self, keys: list[str]) -> list[Any | None]:
        self.batches += 1
        return [MemoryStore.get(self, key) for key in keys]


def _fan_out_api() -> tuple[ConnectionsApi, CountingStore]:
    clock = VirtualClock()
    store = CountingStore(clock)
    registry = ConnectionRegistry(store, api_id="a", stage="prod", limits=WebSocketLimits())
    for n in range(5):
        registry.open(f"C{n}=", now_ms=clock.now_ms(), source_ip="192.0.2.1", channel=f"chan-{n}")
    store.gets = 0
    return ConnectionsApi(registry, clock), store


def test_post_push_names_the_connection_channel() -> None:
    """§9: a push carries the delivery channel stored with its connection, so no lookup is needed to deliver."""
    api, _ = _fan_out_api()
    api.post("C3=", b"hi")
    assert api.outbox == [Push(connection_id="C3=", data=b"hi", channel="chan-3")]


def test_prefetch_reads_a_fan_out_in_one_batch() -> None:
    """§9: posting to prefetched ids reads the registry once (one MGET on Redis), not once per id."""
    api, store = _fan_out_api()
    ids = [f"C{n}=" for n in range(5)]
    api.prefetch(ids)
    statuses = [api.post(i, b"x").status for i in ids]
    assert (statuses, store.batches, store.gets) == ([200] * 5, 1, 0)


def test_prefetch_of_a_gone_connection_is_410() -> None:
    """§9: a prefetched id that no longer exists still gives 410 GoneException."""
    api, _ = _fan_out_api()
    api.prefetch(["gone="])
    assert api.post("gone=", b"x").status == 410


def test_delete_after_prefetch_makes_post_gone() -> None:
    """§9: DELETE forgets the prefetched record, so a later POST to that id is 410."""
    api, _ = _fan_out_api()
    api.prefetch(["C1="])
    api.delete("C1=")
    assert api.post("C1=", b"x").status == 410
