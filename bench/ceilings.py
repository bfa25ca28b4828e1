"""Performance against ceilings measured in the same run (issue 17).

    .venv/bin/python bench/ceilings.py [--clients 1000] [--only engine,http,ws,django]

On a shared 2-core machine absolute figures move by 2x with the neighbours' load, so each figure
here is a ratio against a ceiling built beside the project and measured in the same run, the two
sides alternated and each the best of N (noise only ever slows a run down). The engine figures
(engine, floor, trace serialisation: one thread in this process) are CPU time of this process,
which leaves out the time neighbours hold the CPU; the servers' figures are wall time:

- ``engine_vs_floor_cached`` / ``engine_vs_floor_lambda``: the engine's requests/s (bench/engine.py's
  REST API, a complete Trace per request) ÷ ``bench/floor.py``'s (bare Python doing the same
  irreducible work), with the stage cache on (hits) and off (the Lambda proxy runs every time).
- ``site_vs_minimal_django``: requests/s of a trivial view inside the project (``bench/project_trivial``:
  the project's settings, middleware and URLconf) ÷ the same view in ``bench/minimal_django``, both
  on uvicorn (one worker, DEBUG off), hit by the same keep-alive client (16 connections).
- ``thread_hops_per_request``: ``sync_to_async`` calls for one plain page (the home page) through the
  project's ASGI app, counted in-process (minimal Django makes 3; Django 5.2 needs them for its
  request signals and a sync view).
- ``ws_broadcast_vs_bare`` / ``ws_rss_vs_bare``: the chat fan-out to ``--clients`` listeners
  (bench/ws.py's clients) on the project (in-memory channel layer, the site's WebSocket protocol) ÷
  ``bench/bare_ws.py`` on the same uvicorn: p50 delay from send to arrival, and the server's RSS
  growth from idle to ``--clients`` connected after the broadcasts (``ws_rss_total_vs_bare`` is the
  whole-process ratio, Django's imports included).
- ``trace_serialise_us``: ``trace_to_json`` (the very text of ``json.dumps(trace_to_dict(trace))``,
  built without the dicts) per trace of 1,000 consecutive cache hits, each serialised once, beside
  ``engine_cached_us`` (the engine's own time per request on that path); ``trace_serialise_lambda_us``
  the same for the Lambda path's traces, beside ``engine_lambda_us``. ``trace_dict_dumps_us`` is
  ``json.dumps(trace_to_dict(trace))`` of the same cache hits, for front ends that need the dict.
- ``lesson_page_ms_800_lessons``: a lesson page through Django's test client with 800 more lessons in
  the course (``lesson_page_ms_course``: the same page with the course as shipped).

Prints, last, one per line, ``name: value unit``. Everything stays on 127.0.0.1; every wait is
bounded (servers 30 s to start, HTTP samples 1 s, WebSocket waits as in bench/ws.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import engine as engine_bench  # noqa: E402  (bench/engine.py)
import floor  # noqa: E402
import loopback  # noqa: E402
import ws as ws_bench  # noqa: E402  (bench/ws.py)

PYTHON = sys.executable
ROUNDS = 3  # alternations per pair of measurements (best of each side)
HTTP_CONNECTIONS = 16
HTTP_SAMPLE_S = 1.0
HTTP_ROUNDS = 6  # short samples, many alternations: the best of each side is the least disturbed
WS_PROTOCOL = "gateway_lab.livegw.wsframes:FrameReportingProtocol"
EXTRA_LESSONS = 800


# --- Engine against its floor -----------------------------------------------------------------------


# The engine and its floor run in this process, on one thread, CPU-bound: both sides are timed in
# CPU time of this process, so the time neighbours take the CPU away does not count against either.
CPU_TIMER = time.process_time


def _engine_rate(*, cache: bool, total: int) -> float:
    stage = engine_bench.CACHED_STAGE if cache else {"stageName": "prod"}
    pipeline, clock = engine_bench._pipeline(engine_bench.API, stage)
    return engine_bench._rate(
        pipeline,
        clock,
        lambda i: engine_bench.Request.build("GET", f"/pets/{i % 100}"),
        total,
        timer=CPU_TIMER,
    )


def engine_figures() -> list[tuple[str, float, str]]:
    _engine_rate(cache=True, total=2_000), _engine_rate(cache=False, total=500)  # warm up
    best: Counter[str] = Counter()
    for _ in range(ROUNDS):  # alternate engine and floor, so both see the same neighbours
        for name, measure in (
            ("engine_cached", lambda: _engine_rate(cache=True, total=20_000)),
            ("floor_cached", lambda: floor.rate(cache=True, total=20_000, timer=CPU_TIMER)),
            ("engine_lambda", lambda: _engine_rate(cache=False, total=3_000)),
            ("floor_lambda", lambda: floor.rate(cache=False, total=3_000, timer=CPU_TIMER)),
        ):
            best[name] = max(best[name], measure())
    serialise_us, serialise_lambda_us = _trace_serialise_us(cache=True), _trace_serialise_us(cache=False)
    dict_dumps_us = _trace_serialise_us(cache=True, dicts=True)
    return [
        ("engine_vs_floor_cached", best["engine_cached"] / best["floor_cached"], "x"),
        ("engine_vs_floor_lambda", best["engine_lambda"] / best["floor_lambda"], "x"),
        ("engine_cached_us", 1e6 / best["engine_cached"], "us"),
        ("floor_cached_us", 1e6 / best["floor_cached"], "us"),
        ("engine_lambda_us", 1e6 / best["engine_lambda"], "us"),
        ("floor_lambda_us", 1e6 / best["floor_lambda"], "us"),
        ("trace_serialise_us", serialise_us, "us"),
        ("trace_serialise_lambda_us", serialise_lambda_us, "us"),
        ("trace_dict_dumps_us", dict_dumps_us, "us"),
    ]


def _trace_serialise_us(*, cache: bool, count: int = 1_000, dicts: bool = False) -> float:
    """Serialise each of ``count`` traces of the path (cache hits, or Lambda calls) once; µs per trace.

    ``trace_to_json``, or with ``dicts`` ``json.dumps(trace_to_dict(trace))``: the same text.
    """
    from gateway_lab.engine.trace import trace_to_dict, trace_to_json

    stage = engine_bench.CACHED_STAGE if cache else {"stageName": "prod"}
    pipeline, clock = engine_bench._pipeline(engine_bench.API, stage)
    start_ms = clock.now_ms()
    # Distinct requests (ids, times, token counts): with the cache on, all but the first are hits.
    runs = [
        pipeline.run(engine_bench.Request.build("GET", "/pets/7").at(start_ms + i)) for i in range(count + 1)
    ]
    traces = runs[1:]
    serialise = (lambda trace: json.dumps(trace_to_dict(trace))) if dicts else trace_to_json
    best = float("inf")
    for _ in range(ROUNDS):
        began = CPU_TIMER()
        for trace in traces:
            serialise(trace)
        best = min(best, (CPU_TIMER() - began) / count)
    return best * 1e6


# --- Servers ------------------------------------------------------------------------------------


def _uvicorn(app: str, port: int, *, ws: str = "websockets-sansio") -> list[str]:
    return [
        PYTHON, "-m", "uvicorn", app, "--app-dir", str(BENCH), "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning", "--ws", ws, "--ws-max-queue", "1024", "--lifespan", "off",
    ]  # fmt: skip


def _server_env(database: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-ceilings-not-secret-" + "x" * 32,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(BENCH)]),
    }
    for name in ("REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    return env


# --- HTTP: a trivial view inside the project against a minimal Django project ----------------------


async def _http_rate(port: int, path: str, seconds: float) -> float:
    """Requests/s over ``seconds`` from HTTP_CONNECTIONS keep-alive connections (200 answers only)."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    done = 0
    deadline = time.monotonic() + seconds

    async def worker() -> None:
        nonlocal done
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
        try:
            while time.monotonic() < deadline:
                writer.write(request)
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
                length, chunked = 0, False
                for line in head.split(b"\r\n"):
                    lowered = line.lower()
                    if lowered.startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                    chunked = chunked or lowered == b"transfer-encoding: chunked"
                if chunked:  # a small body: its chunks and the last, empty one
                    await asyncio.wait_for(reader.readuntil(b"0\r\n\r\n"), 10)
                else:
                    await asyncio.wait_for(reader.readexactly(length), 10)
                if not head.startswith(b"HTTP/1.1 200"):
                    raise RuntimeError(f"{path} answered {head.splitlines()[0]!r}")
                done += 1
        finally:
            writer.close()

    began = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(HTTP_CONNECTIONS)))
    return done / (time.monotonic() - began)


def http_figures(database: Path) -> list[tuple[str, float, str]]:
    env = _server_env(database)
    project_port, minimal_port = loopback.free_port(), loopback.free_port()
    with (
        ws_bench._process(_uvicorn("project_trivial.asgi:application", project_port), env, project_port),
        ws_bench._process(_uvicorn("minimal_django.asgi:application", minimal_port), env, minimal_port),
    ):
        for port in (project_port, minimal_port):  # warm up
            asyncio.run(_http_rate(port, "/bench/trivial", 0.5))
        project = minimal = 0.0
        for _ in range(HTTP_ROUNDS):
            project = max(project, asyncio.run(_http_rate(project_port, "/bench/trivial", HTTP_SAMPLE_S)))
            minimal = max(minimal, asyncio.run(_http_rate(minimal_port, "/bench/trivial", HTTP_SAMPLE_S)))
    return [
        ("site_vs_minimal_django", project / minimal, "x"),
        ("site_trivial_requests_per_s", project, "req/s"),
        ("minimal_django_requests_per_s", minimal, "req/s"),
    ]


# --- WebSocket broadcast against a bare ASGI server ---------------------------------------------------


async def _broadcast(port: int, pid: int, clients: int) -> tuple[list[float], float, float]:
    """bench/ws.py's broadcast, with the server's RSS taken idle and with every client connected."""
    import websockets

    async with websockets.connect(
        f"ws://127.0.0.1:{port}{ws_bench.PATH}", origin="http://localhost"
    ) as sender:
        await sender.send(json.dumps({"action": "sendmessage", "data": "warm"}))  # imports, first calls
        await asyncio.wait_for(sender.recv(), timeout=30)
        await asyncio.sleep(0.5)
        idle_mb = ws_bench._rss_mb(pid)
        received: list[float] = []
        transports = await ws_bench._connect_all(port, clients, received)
        delays: list[float] = []
        for _ in range(ROUNDS):
            await asyncio.sleep(0.5)
            received.clear()
            sent = time.perf_counter()
            await sender.send(json.dumps({"action": "sendmessage", "data": "stop"}))
            deadline = time.monotonic() + 30
            while len(received) < len(transports) and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            delays += [(t - sent) * 1000 for t in received]
            await asyncio.wait_for(sender.recv(), timeout=30)
        loaded_mb = ws_bench._rss_mb(pid)
    for transport in transports:
        transport.close()
    if len(delays) < clients * ROUNDS:
        print(
            f"warning: {len(delays)} of {clients * ROUNDS} deliveries arrived (port {port})", file=sys.stderr
        )
    return delays, idle_mb, loaded_mb


def _ws_once(app: str, env: dict[str, str], clients: int, ws: str) -> tuple[float, float, float]:
    port = loopback.free_port()
    with ws_bench._process(_uvicorn(app, port, ws=ws), env, port) as server:
        delays, idle_mb, loaded_mb = asyncio.run(_broadcast(port, server.pid, clients))
    return statistics.median(delays), loaded_mb - idle_mb, loaded_mb


def ws_figures(database: Path, clients: int) -> list[tuple[str, float, str]]:
    env = _server_env(database)
    runs: dict[str, list[tuple[float, float, float]]] = {"project": [], "bare": []}
    for _ in range(2):  # alternate; best of two each
        runs["bare"].append(_ws_once("bare_ws:app", env, clients, "websockets-sansio"))
        runs["project"].append(_ws_once("project_trivial.asgi:application", env, clients, WS_PROTOCOL))
    project = min(runs["project"]), min(runs["project"], key=lambda run: run[1])
    bare = min(runs["bare"]), min(runs["bare"], key=lambda run: run[1])
    return [
        ("ws_broadcast_vs_bare", project[0][0] / bare[0][0], "x"),
        ("ws_rss_vs_bare", project[1][1] / max(bare[1][1], 0.1), "x"),
        ("ws_rss_total_vs_bare", project[1][2] / bare[1][2], "x"),
        ("ws_broadcast_p50_ms", project[0][0], "ms"),
        ("bare_ws_broadcast_p50_ms", bare[0][0], "ms"),
        ("ws_rss_growth_mb", project[1][1], "MB"),
        ("bare_ws_rss_growth_mb", bare[1][1], "MB"),
    ]


# --- In-process Django: thread hops and the lesson page -------------------------------------------


def _setup_django(database: Path) -> None:
    os.environ.update(_server_env(database))
    os.environ["DEBUG"] = "true"  # the test client renders pages with the development storage
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["DJANGO_SETTINGS_MODULE"] = "gateway_lab.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_lessons", verbosity=0)


def thread_hops() -> int:
    from asgiref.sync import SyncToAsync
    from asgiref.testing import ApplicationCommunicator

    from gateway_lab.asgi import application

    calls: list[str] = []
    original = SyncToAsync.__call__

    async def counting(self: SyncToAsync, *args: Any, **kwargs: Any) -> Any:
        calls.append(getattr(self.func, "__qualname__", ""))
        return await original(self, *args, **kwargs)

    async def get(path: str) -> int:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"localhost")], "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80),
        }  # fmt: skip
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(10)
        while (await communicator.receive_output(10)).get("more_body"):
            pass
        await communicator.wait(10)
        return int(start["status"])

    assert asyncio.run(get("/")) == 200  # warm up
    SyncToAsync.__call__ = counting  # type: ignore[method-assign]
    try:
        assert asyncio.run(get("/")) == 200
    finally:
        SyncToAsync.__call__ = original  # type: ignore[method-assign]
    return len(calls)


def _lesson_page_ms(client: Any, url: str, runs: int = 60) -> float:
    assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    return statistics.median(samples)


def lesson_figures() -> list[tuple[str, float, str]]:
    from django.test import Client

    from gateway_lab.lessons.models import Lesson, Source

    client = Client()
    course = list(Lesson.objects.filter(source=Source.FILE, language="en").order_by("order", "slug"))
    page = f"/lessons/{course[len(course) // 2].slug}/"
    before = _lesson_page_ms(client, page)
    last = max(lesson.order for lesson in course)
    Lesson.objects.bulk_create(
        Lesson(
            slug=f"bench-lesson-{index:04d}",
            language=language,
            title=f"Bench lesson {index}",
            summary="A lesson added by bench/ceilings.py.",
            order=last + 1 + index,
            body="Text. " * 300,
            html="<p>" + "Text. " * 300 + "</p>",
            source=Source.FILE,
        )
        for index in range(EXTRA_LESSONS // 2)
        for language in ("en", "zh-hans")
    )
    after = _lesson_page_ms(client, page)
    return [("lesson_page_ms_course", before, "ms"), ("lesson_page_ms_800_lessons", after, "ms")]


# --- Main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000, help="WebSocket listeners in the broadcast")
    parser.add_argument("--only", default="engine,http,ws,django", help="comma-separated groups to run")
    args = parser.parse_args()
    groups = set(args.only.split(","))
    ws_bench._raise_fd_limit()
    folder = Path(tempfile.mkdtemp(prefix="gateway-lab-ceilings-"))
    database = folder / "bench.sqlite3"
    figures: list[tuple[str, float, str]] = []
    try:
        if "engine" in groups:
            figures += engine_figures()
        _setup_django(database)  # migrates the database the servers share, too
        if "django" in groups:
            figures.append(("thread_hops_per_request", thread_hops(), "hops"))
        if "http" in groups:
            figures += http_figures(database)
        if "ws" in groups:
            figures += ws_figures(database, args.clients)
        if "django" in groups:
            figures += lesson_figures()  # last: it adds 800 lessons to the shared database
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(folder)
    for name, value, unit in figures:
        digits = 0 if unit in ("req/s", "hops") else (3 if unit == "x" else 2)
        print(f"{name}: {value:.{digits}f} {unit}")


if __name__ == "__main__":
    main()
