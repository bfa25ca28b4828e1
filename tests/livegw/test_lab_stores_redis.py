"""With REDIS_URL, two server processes share one lab queue and one consumer (issue 12, peak shaving with SQS).

A burst sent half to each process lands in one queue; both stores pages show the same depth, and the
queue drains at the set rate once, not once per process (each process ticks the same Lua step).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gateway_lab.engine import SystemClock
from gateway_lab.livegw.lab_redis import RedisLabConsumers, RedisLabServices
from tests.conftest import AsgiServer
from tests.livegw.http_apis import fetch
from tests.livegw.redis_servers import migrated_sqlite, redis_server

pytestmark = [pytest.mark.redis]
RATE, BURST = 4.0, 40


@pytest.fixture
def two_servers(redis_url: str, tmp_path: Path) -> Iterator[tuple[AsgiServer, AsgiServer]]:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    database = migrated_sqlite(tmp_path)
    first, second = redis_server(redis_url, database), redis_server(redis_url, database)
    yield first, second
    first.stop()
    second.stop()


def _orders(server: AsgiServer) -> tuple[int, int]:
    """Return (depth, processed) of the queue ``orders`` as the server's stores page shows them."""
    status, _, page = fetch(f"{server.url}/gw-stores/")
    assert status == 200
    found = re.search(r'data-queue="orders" data-depth="(\d+)" data-processed="(\d+)"', page.decode())
    assert found, page.decode()[:2000]
    return int(found.group(1)), int(found.group(2))


def test_two_processes_share_one_queue_drained_once_at_the_set_rate(
    two_servers: tuple[AsgiServer, AsgiServer], redis_url: str
) -> None:
    first, second = two_servers
    consumers = RedisLabConsumers(RedisLabServices(clock=SystemClock(), redis_url=redis_url))
    for server in two_servers:  # each process serves an API once: its consumer ticker starts
        assert fetch(f"{server.url}/gw/demo-rest/prod/hello")[0] == 200
    consumers.set_rate("orders", RATE, consumers.services.now_ms())
    urls = [f"{two_servers[n % 2].url}/gw/demo-rest/prod/orders" for n in range(BURST)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda url: fetch(url, method="POST", body=b'{"n": 1}',
                                                   headers={"Content-Type": "application/json"})[0], urls))  # fmt: skip
    assert statuses == [202] * BURST
    # Each count is taken at some moment during its page request: bound the interval between them
    # from both sides, so a slow page on a busy machine widens the window instead of failing the test.
    before_first = time.monotonic()
    depth_a, processed_a = _orders(first)
    after_first = time.monotonic()
    depth_b, processed_b = _orders(second)
    assert depth_a + processed_a == depth_b + processed_b == BURST  # one queue, seen from both processes
    time.sleep(3)
    before_last = time.monotonic()
    depth, processed = _orders(second)
    after_last = time.monotonic()
    drained = processed - processed_a
    shortest, longest = before_last - after_first, after_last - before_first
    # One consumer at 4/s (both processes tick it): about 12 in 3 s; two consumers would drain about 24.
    assert RATE * shortest - 2 <= drained <= RATE * longest + 2, (drained, shortest, longest)
    assert depth + processed == BURST
