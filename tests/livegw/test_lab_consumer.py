"""The lab queue's consumer drains at its set rate, whatever the burst (issue 12: the note's peak shaving with SQS).

Times are chosen by the test (a virtual clock): the schedule is exact, so these counts are exact. Every
test runs on both implementations: in process (``lab_consumer``) and in Redis (``lab_redis``, one
Lua step per queue, what several server processes share).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from gateway_lab.engine import LabServices, VirtualClock
from gateway_lab.livegw.lab_consumer import LabConsumers
from gateway_lab.livegw.lab_redis import RedisLabConsumers, RedisLabServices


def _burst(services: Any, queue: str, count: int, at_ms: float, *, delay_s: int = 0) -> None:
    for n in range(count):
        services.queue(queue).send_message(f'{{"n": {n}}}', now_ms=at_ms, delay_seconds=delay_s)


Lab = Callable[..., tuple[Any, Any]]


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def make_lab(request: pytest.FixtureRequest) -> Lab:
    """Return a factory of (lab services, their consumers) at a default rate; each call a fresh namespace."""
    if request.param == "memory":

        def memory(rate: float = 5.0) -> tuple[Any, Any]:
            services = LabServices(clock=VirtualClock())
            return services, LabConsumers(services, default_rate=rate)

        return memory
    import redis

    url = request.getfixturevalue("redis_url")
    redis.Redis.from_url(url).flushdb()

    def shared(rate: float = 5.0) -> tuple[Any, Any]:
        services = RedisLabServices(clock=VirtualClock(), redis_url=url, prefix=f"t{uuid.uuid4().hex[:8]}:")
        return services, RedisLabConsumers(services, default_rate=rate)

    return shared


def test_a_burst_of_50_drains_at_5_per_second(make_lab: Lab) -> None:
    """50 messages at once, a consumer at 5/s: 5 done after 1 s, 25 after 5 s, all after 10 s."""
    services, consumers = make_lab(5.0)
    consumers.consumer("orders", 0)
    _burst(services, "orders", 50, 0)
    depths = {}
    for t in (999, 1000, 5000, 9999, 10_000, 60_000):
        consumers.drain(t)
        depths[t] = len(services.queue("orders").messages)
    assert depths == {999: 46, 1000: 45, 5000: 25, 9999: 1, 10_000: 0, 60_000: 0}
    assert consumers.consumer("orders", 0).processed == 50


def test_how_often_drain_is_called_does_not_change_the_schedule(make_lab: Lab) -> None:
    one, rare = make_lab(4.0), make_lab(4.0)
    for services, consumers in (one, rare):
        consumers.consumer("q", 0)
        _burst(services, "q", 30, 0)
    for t in range(0, 5001, 10):
        one[1].drain(t)
    rare[1].drain(5000)
    assert len(one[0].queue("q").messages) == len(rare[0].queue("q").messages) == 10
    assert [m["id"] for m in one[1].consumer("q", 0).recent] == [
        m["id"] for m in rare[1].consumer("q", 0).recent
    ]


def test_idle_time_is_not_saved_up_for_the_next_burst(make_lab: Lab) -> None:
    """A consumer idle for a minute still takes a new burst at its rate, not all at once."""
    services, consumers = make_lab(2.0)
    consumers.consumer("q", 0)
    consumers.drain(60_000)
    _burst(services, "q", 10, 60_000)
    consumers.drain(61_000)
    assert len(services.queue("q").messages) == 8


def test_a_backlog_older_than_the_consumer_starts_draining_when_it_starts(make_lab: Lab) -> None:
    services, consumers = make_lab(10.0)
    _burst(services, "q", 20, 0)
    consumers.drain(30_000)  # the consumer is created here
    assert len(services.queue("q").messages) == 20
    consumers.drain(31_000)
    assert len(services.queue("q").messages) == 10


def test_pause_and_new_rate_take_effect_from_the_change(make_lab: Lab) -> None:
    services, consumers = make_lab(5.0)
    consumers.consumer("q", 0)
    _burst(services, "q", 40, 0)
    consumers.set_rate("q", 0, 2000)  # 10 done at 5/s, then paused
    consumers.drain(10_000)
    assert len(services.queue("q").messages) == 30
    consumers.set_rate("q", 20, 10_000)  # resumes at 20/s from t = 10 s, nothing banked from the pause
    consumers.drain(11_000)
    assert len(services.queue("q").messages) == 10
    with pytest.raises(ValueError):
        consumers.set_rate("q", -1, 11_000)


def test_delayed_messages_wait_until_visible(make_lab: Lab) -> None:
    """SQS DelaySeconds: a message is not received before its delay ends."""
    services, consumers = make_lab(100.0)
    consumers.consumer("q", 0)
    _burst(services, "q", 3, 0, delay_s=5)
    consumers.drain(4_999)
    assert len(services.queue("q").messages) == 3
    consumers.drain(5_030)
    assert len(services.queue("q").messages) == 0


def test_rows_report_depth_history_and_recent_messages(make_lab: Lab) -> None:
    services, consumers = make_lab(1.0)
    consumers.consumer("orders", 0)
    _burst(services, "orders", 3, 0)
    consumers.drain(1000)
    rows = consumers.rows(2000)
    assert [(r["name"], r["depth"], r["sent"], r["processed"], r["rate"]) for r in rows] == [
        ("orders", 1, 3, 2, 1.0)
    ]
    assert [depth for _, depth in rows[0]["history"]][-2:] == [2, 1]  # Redis also sampled the creation
    assert [m["body"] for m in rows[0]["recent"]] == ['{"n": 1}', '{"n": 0}']
