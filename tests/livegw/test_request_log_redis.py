"""The Redis request log under load: pushed at once at a low rate, batched (bounded CPU) under a burst.

Issue 12 (benchmark): expanding and redacting one entry costs about a millisecond, more than the rest of
the request, so a burst leaves entries pending and one push writes the newest ``LIMIT`` of them (older
ones would be trimmed from the list anyway). Every request is still in the log when it is read; nothing
reaches Redis unredacted (issue 12: the log is shown to whoever opens /gw-log/).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import redis

from gateway_lab.engine import Client, Request, Trace
from gateway_lab.livegw import request_log
from gateway_lab.livegw.http_app import PIPELINES
from gateway_lab.livegw.request_log import LIMIT, PREFIX, RedisLog

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "sessionid=burstlogsecret31"


def _requests(count: int) -> list[tuple[Request, Trace]]:
    pipeline, _, path, _ = PIPELINES.resolve("demo-rest", "prod/hello")
    assert pipeline is not None
    client = Client(source_ip="127.0.0.1", user_agent="test", region=pipeline.api.region)
    done = []
    for n in range(count):
        request = Request.build(
            "GET", path, query=f"n={n}", headers=[("Cookie", SECRET)], body=b"", client=client,
            raw_path="/gw/demo-rest/prod/hello",
        )  # fmt: skip
        done.append((request, pipeline.run(request)))
    return done


@pytest.fixture
def counted_expand(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the entries expanded (redacted and serialised); ``expand`` itself still runs."""
    expanded: list[str] = []
    real = request_log.expand

    def counting(row: dict[str, Any], request: Request, trace: Trace) -> dict[str, Any]:
        expanded.append(row["id"])
        return real(row, request, trace)

    monkeypatch.setattr(request_log, "expand", counting)
    return expanded


def test_a_single_request_reaches_redis_at_once_redacted(redis_url: str, counted_expand: list[str]) -> None:
    """At a low rate the entry is in the shared list when the request returns (another process reads it)."""
    api = f"log-{uuid.uuid4().hex[:8]}"
    log = RedisLog(redis_url)
    (request, trace), = _requests(1)  # fmt: skip
    log.record(api, "prod", request, trace)
    stored = redis.Redis.from_url(redis_url).lrange(PREFIX + api, 0, -1)
    assert len(stored) == 1 and trace.request_id.encode() in stored[0]
    assert SECRET.encode() not in stored[0] and b"n=0" in stored[0]
    assert counted_expand == [trace.request_id]


def test_a_burst_is_batched_and_keeps_the_newest_limit(redis_url: str, counted_expand: list[str]) -> None:
    """A burst past LIMIT: entries wait pending, the read pushes the newest LIMIT, newest first; fewer expanded."""
    api = f"log-{uuid.uuid4().hex[:8]}"
    log = RedisLog(redis_url)
    log.PAUSE_PER_ENTRY_S = 30.0  # after the first push the flusher waits: everything else stays pending
    burst = _requests(LIMIT + 40)
    for request, trace in burst:
        log.record(api, "prod", request, trace)
    assert redis.Redis.from_url(redis_url).llen(PREFIX + api) == 1  # only the first went at once
    rows = log.rows(api)
    ids = [trace.request_id for _, trace in burst]
    assert [row["id"] for row in rows] == ids[::-1][:LIMIT]
    assert len(counted_expand) == 1 + LIMIT < len(burst)  # the 39 superseded in between never expanded
    stored = b"".join(redis.Redis.from_url(redis_url).lrange(PREFIX + api, 0, -1))
    assert SECRET.encode() not in stored
    assert log.entry(api, ids[-1]) is not None


def test_the_pause_after_a_push_follows_its_cost_so_the_log_keeps_its_cpu_share(redis_url: str) -> None:
    """Under load an entry costs several ms to expand: the pause after a push is long enough that pushing
    takes at most ``CPU_SHARE`` of the time (and never less than ``PAUSE_PER_ENTRY_S`` per entry)."""
    log = RedisLog(redis_url)
    assert log.pause_s(10, 0.001) == pytest.approx(10 * log.PAUSE_PER_ENTRY_S)  # cheap pushes: the floor
    cpu_s = 0.2  # 10 entries at 20 ms each
    pause = log.pause_s(10, cpu_s)
    assert cpu_s / (cpu_s + pause) == pytest.approx(log.CPU_SHARE)
