"""Live handler runs: the lab's own functions run in the caller's thread, bounded at the gateway timeout.

Issue 12 (benchmark): every thread hop costs the live gateway throughput, so the built-in functions,
which take time only through ``lab.spend``, run inline; anything else still runs in the ``lab-lambda``
pool. Either way the gateway stops waiting at the integration timeout (GATEWAY_FACTS.md §5.1). Hops are
counted, not timed (TOOLCHAIN.md "Sync-only middleware under ASGI").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from gateway_lab.engine import SystemClock
from gateway_lab.engine.integrations import functions
from gateway_lab.engine.integrations.functions import Invocation, LambdaContext, run_handler
from gateway_lab.engine.integrations.lab_stores import LabServices
from gateway_lab.functions import echo, slow

CLOCK = SystemClock()


def _run(handler: Any, event: Any, timeout_ms: float) -> functions.HandlerRun:
    invocation = Invocation(LabServices(clock=CLOCK), CLOCK, True, 60_000, CLOCK.now_ms())
    context = LambdaContext(
        aws_request_id="r", function_name="f", invoked_function_arn="arn:aws:lambda:us-east-1:1:function:f",
        invocation=invocation,
    )  # fmt: skip
    return run_handler(handler, event, context=context, invocation=invocation, gateway_timeout_ms=timeout_ms)


@pytest.fixture
def pool_submits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Count the jobs handed to the ``lab-lambda`` pool (the pool still runs them)."""
    submitted: list[str] = []
    real_submit = functions._pool.submit

    def counting_submit(fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        submitted.append(getattr(args[1], "__name__", "?") if len(args) > 1 else "?")
        return real_submit(fn, *args, **kwargs)

    monkeypatch.setattr(functions._pool, "submit", counting_submit)
    yield submitted


def _thread_name(event: Any, context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": threading.current_thread().name}


def test_builtin_echo_runs_in_the_callers_thread_issue_12(pool_submits: list[str]) -> None:
    """Issue 12: the echo function answers without a hop to the lab-lambda pool."""
    run = _run(echo.handler, {"path": "/x"}, 29_000)
    assert pool_submits == []
    assert run.error is None and not run.timed_out
    assert run.value["statusCode"] == 200 and '"path": "/x"' in run.value["body"]


def test_other_handlers_still_run_in_the_lab_lambda_pool_issue_12(pool_submits: list[str]) -> None:
    """Issue 12: a handler that is not the lab's own (user code may sleep) keeps its worker thread."""
    run = _run(_thread_name, {}, 29_000)
    assert pool_submits == ["_thread_name"]
    assert run.value["body"].startswith("lab-lambda")


def test_inline_slow_function_stops_at_the_gateway_timeout_5_1(pool_submits: list[str]) -> None:
    """§5.1: a 5 s spend behind a 300 ms timeout is a timed-out run, reported at the timeout, on time."""
    started = time.monotonic()
    run = _run(slow.handler, {"queryStringParameters": {"delay_ms": "5000"}}, 300)
    waited = time.monotonic() - started
    assert run.timed_out and run.elapsed_ms == 300 and run.value is None
    assert 0.25 <= waited < 2.0
    assert pool_submits == []


def test_inline_slow_function_within_the_timeout_answers_5_1(pool_submits: list[str]) -> None:
    """§5.1: a spend shorter than the timeout really waits, then the function answers."""
    run = _run(slow.handler, {"queryStringParameters": {"delay_ms": "120"}}, 5_000)
    assert not run.timed_out and run.value["statusCode"] == 200
    assert 110 <= run.elapsed_ms < 3_000


@pytest.fixture
def app_jobs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Count the requests the live gateway hands to its worker pool (the pool still runs them)."""
    from gateway_lab.livegw import http_app

    http_app.PIPELINES.invalidate()  # start from a process that has loaded no API yet
    jobs: list[str] = []
    real_submit = http_app._executor.submit

    def counting_submit(fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        if getattr(fn, "__name__", "") == "job":  # a request (not a once-a-second definition check)
            jobs.append("request")
        return real_submit(fn, *args, **kwargs)

    monkeypatch.setattr(http_app._executor, "submit", counting_submit)
    yield jobs
    http_app.PIPELINES.invalidate()


@pytest.mark.django_db(transaction=True)
async def test_a_live_echo_request_runs_on_the_event_loop_once_loaded_issue_12(
    pool_submits: list[str], app_jobs: list[str]
) -> None:
    """Issue 12: the first request to an API hops once (the definition comes from the database); after
    that /gw/demo-rest/prod/echo/… runs on the event loop (the echo function only computes) — no hop at
    all. With ``REDIS_URL`` (the CI's second pass) the token buckets are a Redis round trip: every
    request keeps its hop."""
    from django.conf import settings

    from gateway_lab.livegw import http_app
    from tests.livegw.asgi_call import call

    first = await call(http_app.application, "GET", "/gw/demo-rest/prod/echo/hops?x=1")
    assert first.status == 200 and '"path": "/echo/hops"' in first.text()
    assert app_jobs == ["request"] and pool_submits == []
    second = await call(http_app.application, "GET", "/gw/demo-rest/prod/echo/again?x=2")
    assert second.status == 200 and '"path": "/echo/again"' in second.text()
    assert app_jobs == (["request", "request"] if settings.REDIS_URL else ["request"]) and pool_submits == []


@pytest.mark.django_db(transaction=True)
async def test_a_route_that_may_wait_keeps_its_worker_thread_5_1(app_jobs: list[str]) -> None:
    """§5.1: the slow function waits (lab.spend), so /slow runs in the pool even once the API is loaded,
    and an echo request meanwhile is not held up (with ``REDIS_URL`` every request hops)."""
    import asyncio

    from django.conf import settings

    from gateway_lab.livegw import http_app
    from tests.livegw.asgi_call import call

    await call(http_app.application, "GET", "/gw/demo-rest/prod/echo/load")
    assert app_jobs == ["request"]
    slow = asyncio.ensure_future(call(http_app.application, "GET", "/gw/demo-rest/prod/slow?delay_ms=1500"))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    echo_answer = await call(http_app.application, "GET", "/gw/demo-rest/prod/echo/meanwhile")
    assert echo_answer.status == 200 and time.monotonic() - started < 1.0, echo_answer.text()
    assert not slow.done()
    assert (await slow).status == 200
    assert app_jobs == ["request"] * (
        3 if settings.REDIS_URL else 2
    )  # with Redis the echo after /slow hops too


def _held_and_stale(http_app: Any) -> Any:
    """Load demo-rest through the database, then age what is held past RECHECK_S."""
    http_app.PIPELINES.resolve("demo-rest", "prod/echo/x")
    known = http_app.PIPELINES._apis["demo-rest"]
    known.checked -= http_app.RECHECK_S + 1
    return known


@pytest.fixture
def rechecks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """The once-a-second definition checks the event loop hands to the pool (the pool still runs them)."""
    from gateway_lab.livegw import http_app

    http_app.PIPELINES.invalidate()
    jobs: list[Any] = []
    real_submit = http_app._executor.submit

    def counting_submit(fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        future = real_submit(fn, *args, **kwargs)
        if getattr(fn, "__name__", "") == "_recheck":
            jobs.append(future)
        return future

    monkeypatch.setattr(http_app._executor, "submit", counting_submit)
    yield jobs
    http_app.PIPELINES.invalidate()


@pytest.mark.django_db(transaction=True)
def test_a_due_definition_check_is_one_job_however_many_requests_ask_issue_12(rechecks: list[Any]) -> None:
    """Issue 12: when the held definition is due for its check, requests keep being served from what is
    held and one worker reads the database (no herd of queries every second)."""
    from gateway_lab.livegw import http_app

    _held_and_stale(http_app)
    answers = [http_app.PIPELINES.resolve_held("demo-rest", f"prod/echo/{n}") for n in range(50)]
    assert all(a is not None and a[0] is not None for a in answers)
    assert len(rechecks) == 1
    rechecks[0].result(timeout=10)
    assert time.monotonic() - http_app.PIPELINES._apis["demo-rest"].checked < http_app.RECHECK_S


@pytest.mark.django_db(transaction=True)
def test_a_failed_definition_check_keeps_serving_and_backs_off_issue_12(
    rechecks: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12: if the database fails the check (injected here: the read raises), what is held is still
    served and the next check waits another RECHECK_S instead of retrying on every request."""
    from gateway_lab.livegw import http_app

    _held_and_stale(http_app)

    def failing_load(api_id: str, known_version: Any) -> Any:
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(http_app, "_load", failing_load)
    assert http_app.PIPELINES.resolve_held("demo-rest", "prod/echo/a") is not None
    rechecks[0].result(timeout=10)  # the job logged the failure instead of raising
    assert http_app.PIPELINES.resolve_held("demo-rest", "prod/echo/b") is not None
    assert len(rechecks) == 1
