"""Usage-plan quotas spent atomically (§3.3): two processes on one Redis spend one quota exactly.

``RedisStore.spend_quota`` reads the period's counter, refuses at the limit and counts the request in
one Lua step, the way ``take_token`` updates a token bucket (``test_http_redis_limit.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gateway_lab.engine import SystemClock
from gateway_lab.livegw.store import LockedMemoryStore

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
