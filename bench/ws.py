"""WebSocket broadcast benchmark: N clients on one server process, one chat message fanned out to all.

    python bench/ws.py --clients 1000

Starts Daphne on a free loopback port (first with the in-memory channel layer, then with a private
redis-server), connects N clients to ``/gw/demo-ws/prod``, has one of them send ``sendmessage``
(AWS's sample chat fan-out through @connections), and measures, per client, the time from the send
to the message's arrival. Prints, last, one per line: ``ws_clients``, ``ws_broadcast_p50_ms``,
``ws_broadcast_p99_ms``, ``ws_server_rss_mb`` and the same with a ``_redis`` suffix.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65_536)), hard))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


@contextlib.contextmanager
def _process(command: list[str], env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=_log(),
                               preexec_fn=_raise_fd_limit)  # fmt: skip
    try:
        _wait_port(port)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _log() -> int:
    """Server stderr goes to a file named by BENCH_WS_LOG (to debug a run), else nowhere."""
    name = os.environ.get("BENCH_WS_LOG")
    return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_APPEND) if name else subprocess.DEVNULL


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _client(
    url: str, received: dict[int, float], ready: asyncio.Event, count: list[int], total: int
) -> None:
    try:
        ws = await websockets.connect(url, origin="http://localhost", open_timeout=60, max_queue=None)
    except (OSError, websockets.InvalidHandshake, TimeoutError):
        count[0] += 1  # a refused client still counts as "done connecting"; it just never receives
        if count[0] == total:
            ready.set()
        return
    async with ws:
        count[0] += 1
        if count[0] == total:
            ready.set()
        async for message in ws:
            received[id(ws)] = time.perf_counter()
            if message == "stop":
                return


async def _run(url: str, clients: int) -> list[float]:
    received: dict[int, float] = {}
    ready, count = asyncio.Event(), [0]
    tasks = []
    for start in range(0, clients, 50):  # connect in waves: $connect runs a Lambda handler each
        tasks += [
            asyncio.create_task(_client(url, received, ready, count, clients))
            for _ in range(min(50, clients - start))
        ]
        await asyncio.sleep(0.05)
    await asyncio.wait_for(ready.wait(), timeout=120)
    await asyncio.sleep(0.5)
    async with websockets.connect(url, origin="http://localhost") as sender:
        received.clear()
        sent = time.perf_counter()
        await sender.send(json.dumps({"action": "sendmessage", "data": "stop"}))
        deadline = time.monotonic() + 30
        while len(received) < clients and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
    await asyncio.wait(tasks, timeout=10)
    return [(t - sent) * 1000 for t in received.values()]


def _measure(clients: int, env: dict[str, str]) -> tuple[list[float], float]:
    port = _free_port()
    command = [
        PYTHON,
        "-m",
        "uvicorn",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--ws-max-queue",
        "1024",
        "gateway_lab.asgi:application",
    ]
    with _process(command, env, port) as server:
        delays = asyncio.run(_run(f"ws://127.0.0.1:{port}/gw/demo-ws/prod", clients))
        rss = _rss_mb(server.pid)
    return delays, rss


def _report(suffix: str, clients: int, delays: list[float], rss: float) -> list[str]:
    if len(delays) < clients:
        print(f"warning: only {len(delays)} of {clients} clients got the broadcast{suffix}", file=sys.stderr)
    cuts = statistics.quantiles(delays, n=100) if len(delays) > 1 else delays * 99
    return [
        f"ws_clients{suffix}: {len(delays)}",
        f"ws_broadcast_p50_ms{suffix}: {cuts[49]:.1f} ms",
        f"ws_broadcast_p99_ms{suffix}: {cuts[98]:.1f} ms",
        f"ws_server_rss_mb{suffix}: {rss:.0f} MB",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--skip-redis", action="store_true")
    args = parser.parse_args()
    _raise_fd_limit()
    folder = Path(tempfile.mkdtemp(prefix="gateway-lab-bench-ws-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}", "DEBUG": "true"}
    env.pop("REDIS_URL", None)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    lines = _report("", args.clients, *_measure(args.clients, env))
    redis_server = shutil.which("redis-server")
    if redis_server and not args.skip_redis:
        port = _free_port()
        command = [
            redis_server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        with _process(command, env, port):
            lines += _report(
                "_redis",
                args.clients,
                *_measure(args.clients, {**env, "REDIS_URL": f"redis://127.0.0.1:{port}/0"}),
            )
    shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
