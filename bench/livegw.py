"""Live gateway throughput over loopback with wrk (issue 12): raw ASGI, a Django view, the gateway.

One uvicorn process (``bench/livegw_app.py``, one worker, DEBUG off) serves, in the same run:
(1) a raw ASGI hello-world, the ceiling; (2) a bare Django view returning an echo body; (3)
``/gw/demo-rest/prod/echo/bench`` through the whole pipeline (throttling on, cache miss, Lambda proxy
to the echo handler, request log). Then the same server with ``REDIS_URL`` set to a private
redis-server (Store, cache and request log in Redis) for ``live_redis_req_per_s``.

Needs ``wrk`` (Debian package) and, for the Redis figure, ``redis-server``. Prints, last:
``raw_asgi_req_per_s``, ``django_view_req_per_s``, ``live_req_per_s``, ``live_vs_django_ratio``,
``live_vs_raw_ratio``, ``live_p99_ms``, ``live_redis_req_per_s``, and the load average (the machine is
shared: compare ratios from one run, median of three runs). ``bench/livegw_parts.py`` says where one
live request's time goes. Targets: live ÷ Django ≥ 5, live ÷ raw ≥ 0.2.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import loopback  # bench/loopback.py (this folder is on sys.path when a script runs)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PYTHON = sys.executable
DURATION_S = int(os.environ.get("BENCH_LIVEGW_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("BENCH_LIVEGW_CONNECTIONS", "50"))
LIVE_PATH = "/gw/demo-rest/prod/echo/bench"


def _process(command: list[str], env: dict[str, str], port: int):  # type: ignore[no-untyped-def]
    return loopback.serving(command, port=port, cwd=ROOT, env=env)


def _env(database: Path, redis_url: str = "") -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-livegw-not-secret-" + "x" * 32,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(BENCH)]),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def _server(port: int) -> list[str]:
    return [PYTHON, "-m", "uvicorn", "livegw_app:application", "--app-dir", str(BENCH), "--host", "127.0.0.1",
            "--port", str(port), "--log-level", "warning", "--lifespan", "off", "--no-access-log"]  # fmt: skip


def _wrk(url: str, seconds: int = DURATION_S) -> tuple[float, float]:
    """Return (requests/s, p99 ms) from one wrk run; refuses runs with non-2xx answers."""
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    if "Non-2xx or 3xx responses" in output:
        raise RuntimeError(f"{url} answered errors under load:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    p99_ms = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rate, p99_ms


@contextmanager
def _redis() -> Iterator[str]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = loopback.free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        loopback.wait_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("bench/livegw.py needs wrk: apt-get install wrk")
    load_start = os.getloadavg()[0]  # a shared machine: say how busy it was (compare ratios, not rates)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=_env(database), check=True
        )
        port = loopback.free_port()
        base = f"http://127.0.0.1:{port}"
        with _process(_server(port), _env(database), port):
            for path in ("/bench/raw", "/bench/django-echo", LIVE_PATH):  # warm up
                _wrk(base + path, seconds=1)
            raw, _ = _wrk(base + "/bench/raw")
            django, _ = _wrk(base + "/bench/django-echo")
            live, live_p99 = _wrk(base + LIVE_PATH)
        with _redis() as redis_url:
            port = loopback.free_port()
            with _process(_server(port), _env(database, redis_url), port):
                _wrk(f"http://127.0.0.1:{port}{LIVE_PATH}", seconds=1)
                live_redis, _ = _wrk(f"http://127.0.0.1:{port}{LIVE_PATH}")
    print(f"raw_asgi_req_per_s: {raw:.0f} req/s")
    print(f"django_view_req_per_s: {django:.0f} req/s")
    print(f"live_req_per_s: {live:.0f} req/s")
    print(f"live_vs_django_ratio: {live / django:.2f} x")
    print(f"live_vs_raw_ratio: {live / raw:.3f} x")
    print(f"live_p99_ms: {live_p99:.1f} ms")
    print(f"live_redis_req_per_s: {live_redis:.0f} req/s")
    print(f"load_average_1m: {load_start:.2f} at start, {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
