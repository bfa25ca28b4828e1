"""Usage-plan quotas spent atomically (§3.3): two processes on one Redis spend one quota exactly.

``RedisStore.spend_quota`` reads the period's counter, refuses at the limit and counts the request in
one Lua step, the way ``take_token`` updates a token bucket (``test_http_redis_limit.py``); the engine's
API-key stage calls it when the store has it. Checked on the store and over real HTTP.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gateway_lab.engine import SystemClock
from gateway_lab.livegw.demo_apis import DEMO_REST_API_KEY, DEMO_REST_QUOTA
from gateway_lab.livegw.store import LockedMemoryStore
from tests.conftest import AsgiServer
from tests.livegw.http_apis import fetch
from tests.livegw.redis_servers import migrated_sqlite, redis_server

pytestmark = [pytest.mark.redis]
ROOT = Path(__file__).resolve().parents[2]
LIMIT, TRIES_PER_THREAD, THREADS = 300, 100, 4  # 2 processes × 4 threads × up to 100 tries for 300

WORKER = """
import json, sys, threading, time
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway_lab.settings")
django.setup()
from gateway_lab.livegw.store import RedisStore
store = RedisStore(sys.argv[1])
import redis
print("ready", flush=True)
redis.Redis.from_url(sys.argv[1]).blpop("test:go", timeout=30)  # both processes start together
admitted = []
start = threading.Barrier({threads})
def spend():
    start.wait()
    for _ in range({tries}):  # spend until refused, pacing so both processes overlap
        ok, used = store.spend_quota("quota:plan:key:0", {limit}, ttl_ms=60_000)
        if not ok:
            break
        admitted.append(used)
        time.sleep(0.002)
threads = [threading.Thread(target=spend) for _ in range({threads})]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps(admitted))
"""


def test_two_processes_spend_one_redis_quota_exactly_3_3(redis_url: str) -> None:
    """§3.3: eight threads in two processes spend a quota of 300 until refused: exactly 300, numbered 1..300."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    script = WORKER.format(threads=THREADS, tries=TRIES_PER_THREAD, limit=LIMIT)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, redis_url], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for worker in workers:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
    client.rpush("test:go", 1, 1)
    outputs = [json.loads(worker.communicate(timeout=60)[0].strip().splitlines()[-1]) for worker in workers]
    admitted = sorted(outputs[0] + outputs[1])
    assert admitted == list(range(1, LIMIT + 1))
    assert outputs[0] and outputs[1]  # both processes spent part of it
    assert int(client.get("gwlab:quota:plan:key:0")) == LIMIT  # refusals are not counted
    assert 0 < client.pttl("gwlab:quota:plan:key:0") <= 60_000  # the counter ends with its period


def test_locked_memory_store_spends_a_quota_exactly_across_threads_3_3() -> None:
    store = LockedMemoryStore(SystemClock())
    admitted: list[int] = []
    start = threading.Barrier(8)

    def spend() -> None:
        start.wait()
        for _ in range(50):
            ok, used = store.spend_quota("quota:p:k:0", 100, ttl_ms=60_000)
            if ok:
                admitted.append(used)

    threads = [threading.Thread(target=spend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(admitted) == list(range(1, 101))
    assert store.get("quota:p:k:0") == 100


@pytest.fixture
def two_servers(redis_url: str, tmp_path: Path) -> Iterator[tuple[AsgiServer, AsgiServer]]:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    database = migrated_sqlite(tmp_path)
    first, second = redis_server(redis_url, database), redis_server(redis_url, database)
    yield first, second
    first.stop()
    second.stop()


def test_two_server_processes_spend_one_api_key_quota_exactly_over_http_3_3(
    two_servers: tuple[AsgiServer, AsgiServer], redis_url: str
) -> None:
    """§3.3: 60 concurrent requests with demo-rest's key (quota 5 a day) over two processes: exactly 5 admitted;
    the rest 429 Limit Exceeded (or Too Many Requests from the plan's throttle), and Redis counts 5."""
    import redis

    urls = [f"{two_servers[i % 2].url}/gw/demo-rest/prod/keyed" for i in range(60)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda url: fetch(url, headers={"x-api-key": DEMO_REST_API_KEY}), urls))
    statuses = [status for status, _, _ in answers]
    assert statuses.count(200) == DEMO_REST_QUOTA, statuses
    assert set(statuses) == {200, 429}
    refusals = {json.loads(body)["message"] for status, _, body in answers if status == 429}
    assert "Limit Exceeded" in refusals and refusals <= {"Limit Exceeded", "Too Many Requests"}
    client = redis.Redis.from_url(redis_url)
    counters = list(client.scan_iter(match="gwlab:quota:*"))
    assert [int(client.get(key)) for key in counters] == [DEMO_REST_QUOTA]
