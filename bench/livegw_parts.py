"""Where one live request's time goes (issue 12): CPU µs per part of ``/gw/demo-rest/prod/echo/bench``, in-process.

``bench/livegw.py`` measures throughput over loopback; this script splits the same request into its
parts, timed in CPU time of this process (neighbours' load decides less) over ``BENCH_PARTS_N``
requests, best of three rounds: the ASGI app (``http_app.application``: body, headers, the executor
hop, the answer), ``handle`` (resolve, build the engine request, run the pipeline, log it), each
pipeline stage, the echo function alone (inside the integration stage), the request log, and the
garbage collector's share. Prints ``name: value`` lines, µs per request.
"""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
N = int(os.environ.get("BENCH_PARTS_N", "3000"))
API, REST, RAW_PATH = "demo-rest", "prod/echo/bench", "/gw/demo-rest/prod/echo/bench"
HEADERS = [("host", "127.0.0.1:8000"), ("user-agent", "wrk/4.2.0")]


def _cpu_us(action: Callable[[], Any], n: int = N) -> float:
    """Best of three rounds of ``n`` calls: CPU µs per call (every thread of the process)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time_ns()
        for _ in range(n):
            action()
        best = min(best, (time.process_time_ns() - started) / n / 1000)
    return best


def main() -> None:
    folder = tempfile.mkdtemp()
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder}/parts.sqlite3", DEBUG="false", ALLOWED_HOSTS="127.0.0.1",
        SECRET_KEY="bench-livegw-parts-not-secret-" + "x" * 32, DJANGO_SETTINGS_MODULE="gateway_lab.settings",
    )  # fmt: skip
    os.environ.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
    sys.path.insert(0, str(ROOT))
    import gateway_lab.asgi  # noqa: F401 - Django set up and gc.freeze(), as served
    from gateway_lab.engine import Client, Request
    from gateway_lab.engine.integrations import lambda_invoke
    from gateway_lab.livegw import http_app, request_log

    def handle() -> Any:
        return http_app.handle(API, REST, "GET", RAW_PATH, "", HEADERS, b"", "127.0.0.1")

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": RAW_PATH, "raw_path": RAW_PATH.encode(), "query_string": b"", "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in HEADERS], "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    async def asgi_rounds(n: int) -> None:
        for _ in range(n):
            await http_app.application(scope, receive, send)

    loop = asyncio.new_event_loop()
    for _ in range(300):
        handle()
    figures: dict[str, float] = {}
    figures["asgi_app_us"] = _cpu_us(lambda: loop.run_until_complete(asgi_rounds(100)), N // 100) / 100
    figures["handle_us"] = _cpu_us(handle)
    figures["asgi_glue_and_hop_us"] = figures["asgi_app_us"] - figures["handle_us"]

    pipeline, _, path, _ = http_app.PIPELINES.resolve(API, REST)
    assert pipeline is not None
    client = Client(source_ip="127.0.0.1", user_agent="wrk/4.2.0", region=pipeline.api.region)

    def build() -> Request:
        return Request.build(
            "GET", path, query="", headers=HEADERS, body=b"", client=client, raw_path=RAW_PATH
        )

    request = build()
    figures["resolve_us"] = _cpu_us(lambda: http_app.PIPELINES.resolve(API, REST))
    figures["request_build_us"] = _cpu_us(build)
    figures["pipeline_run_us"] = _cpu_us(lambda: pipeline.run(request))
    trace = pipeline.run(request)
    figures["request_log_record_us"] = _cpu_us(lambda: request_log.record(API, "prod", request, trace))
    figures["request_log_expand_when_read_us"] = _cpu_us(
        lambda: request_log.expand(request_log.summary(API, "prod", request, trace), request, trace), 300
    )

    # Each stage of the pipeline (the integration stage includes the function), then the function alone.
    spent: dict[str, int] = {}
    originals = list(pipeline._evaluators)

    def timed(evaluate: Any) -> Any:
        name = type(getattr(evaluate, "__self__", evaluate)).__name__

        def run(ctx: Any) -> Any:
            started = time.process_time_ns()
            try:
                return evaluate(ctx)
            finally:
                spent[name] = spent.get(name, 0) + time.process_time_ns() - started

        return run

    pipeline._evaluators = [timed(e) for e in originals]
    for _ in range(N):
        pipeline.run(request)
    pipeline._evaluators = originals
    for name, ns in spent.items():
        figures[f"stage_{name}_us"] = ns / N / 1000

    captured: dict[str, Any] = {}
    real_run_handler = lambda_invoke.run_handler

    def capture(handler: Any, event: Any, **kwargs: Any) -> Any:
        captured.update(handler=handler, event=event, context=kwargs["context"])
        return real_run_handler(handler, event, **kwargs)

    lambda_invoke.run_handler = capture  # type: ignore[assignment]
    pipeline.run(request)
    lambda_invoke.run_handler = real_run_handler
    figures["echo_function_alone_us"] = _cpu_us(
        lambda: captured["handler"](captured["event"], captured["context"])
    )

    collected = [0]
    marks: list[int] = []

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            marks.append(time.process_time_ns())
        else:
            collected[0] += time.process_time_ns() - marks.pop()

    gc.callbacks.append(on_gc)
    for _ in range(N):
        handle()
    gc.callbacks.remove(on_gc)
    figures["gc_per_request_us"] = collected[0] / N / 1000
    for name, value in figures.items():
        print(f"{name}: {value:.1f} us")


if __name__ == "__main__":
    main()
