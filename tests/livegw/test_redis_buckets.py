"""The throttle's token buckets on Redis (§3.1, §3.2): every layer in one atomic step and one round trip.

``RedisStore.take_tokens`` runs the engine's bucket step (``token_bucket.take``) for each layer in
§3.2's order inside one Lua script, stopping at the first bucket that refuses, as the throttle stage
does bucket by bucket on an in-process store. Checked against the engine's own ``MemoryStore`` on a
real redis-server, and through the engine's pipeline.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import redis

from gateway_lab.engine import MemoryStore, Request, VirtualClock, build_pipeline
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.livegw.store import TAKE_TOKENS_LUA, RedisStore
from tests.livegw.engine_takes import engine_takes

pytestmark = [pytest.mark.redis]

API = {
    "id": "buckets",
    "protocolType": "REST",
    "resources": [
        {
            "path": "/hello",
            "resourceMethods": {
                "GET": {
                    "methodIntegration": {
                        "type": "MOCK",
                        "requestTemplates": {"application/json": '{"statusCode": 200}'},
                        "integrationResponses": {"200": {"statusCode": "200"}},
                    }
                }
            },
        }
    ],
}
# A method bucket of burst 3 refilling 2/s in front of the account bucket (§3.2: two layers).
STAGE = {
    "stageName": "prod",
    "methodSettings": {"*/*": {"throttlingRateLimit": 2, "throttlingBurstLimit": 3}},
}


def _store(redis_url: str) -> RedisStore:
    return RedisStore(redis_url, prefix=f"test-{uuid.uuid4().hex[:8]}:")


def _facts(take: Any) -> tuple[bool, float, float]:
    return take.admitted, round(take.tokens_before, 9), round(take.tokens_after, 9)


def test_take_tokens_matches_the_engine_bucket_by_bucket_and_stops_at_a_refusal_3_1(redis_url: str) -> None:
    """§3.1/§3.2: the same arrivals give the same takes as MemoryStore.take_token per bucket; when the
    first bucket refuses, the second is not touched."""
    redis_store, memory = _store(redis_url), MemoryStore(VirtualClock())
    buckets = [("bucket:first", 2.0, 3), ("bucket:second", 1.0, 5)]
    for at in (0.0, 1.0, 2.0, 3.0, 4.0, 800.0, 801.0, 802.0, 5_000.0):
        got = redis_store.take_tokens(buckets, at)
        expected = engine_takes(memory, buckets, at)
        assert [_facts(t) for t in got] == [_facts(t) for t in expected], at
    # Drain the first bucket at one instant: once it refuses, the second is left as it was.
    while True:
        second = redis_store.get("bucket:second")
        takes = redis_store.take_tokens(buckets, 5_001.0)
        if not takes[0].admitted:
            break
    assert len(takes) == 1
    assert redis_store.get("bucket:second") == second


def test_the_throttle_stage_takes_both_layers_in_one_redis_round_trip_3_2(redis_url: str) -> None:
    """§3.2: a method bucket and the account bucket cost one Redis call per request, and the trace's
    layers read exactly as on the engine's in-process store."""

    def layers(store: Any) -> list[list[dict[str, Any]]]:
        clock = VirtualClock()
        pipeline = build_pipeline(
            api=API, stage=STAGE, clock=clock, store=store, runtime=IntegrationRuntime.default(clock=clock)
        )
        start = clock.now_ms()
        traces = [pipeline.run(Request.build("GET", "/hello").at(start + 100.0 * i)) for i in range(8)]
        return [dict(t.step("throttle").detail)["layers"] for t in traces]  # type: ignore[union-attr]

    expected = layers(MemoryStore(VirtualClock()))
    assert [len(layer) for layer in expected] == [
        2,
        2,
        2,
        1,
        1,
        2,
        1,
        1,
    ]  # refusals stop at the method bucket
    store = _store(redis_url)
    # The script is loaded once per server (redis-py's first EVALSHA on a fresh server meets NOSCRIPT,
    # loads it and retries); load it now so that the count below does not depend on test order.
    with redis.Redis.from_url(redis_url) as loader:
        loader.script_load(TAKE_TOKENS_LUA)
    sent: list[str] = []
    connection = store._redis
    execute = connection.execute_command

    def counted(*args: Any, **options: Any) -> Any:
        sent.append(str(args[0]))  # every command this store sends is one round trip
        return execute(*args, **options)

    connection.execute_command = counted  # type: ignore[method-assign]
    assert layers(store) == expected
    assert sent == ["EVALSHA"] * 8  # one round trip per request, not one per layer
