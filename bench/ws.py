"""WebSocket broadcast benchmark: N clients on one server process, one chat message fanned out to all.

    python bench/ws.py --clients 1000 [--rounds 3] [--skip-redis]

Starts uvicorn on a free loopback port (first with the in-memory channel layer, then with a private
redis-server), connects N receive-only clients to ``/gw/demo-ws/prod``, has one more client send
``sendmessage`` (AWS's sample chat fan-out through @connections) ``--rounds`` times, and measures,
per client and round, the time from the send to the message's arrival. Prints, last, one per line:
``ws_clients``, ``ws_broadcast_p50_ms``, ``ws_broadcast_p99_ms``, ``ws_server_rss_mb`` and the same
with a ``_redis`` suffix. Everything stays on 127.0.0.1; waits are bounded (120 s to connect, 30 s
per broadcast).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import functools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import loopback  # bench/loopback.py (this folder is on sys.path when a script runs)
import websockets

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PATH = "/gw/demo-ws/prod"


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65_536)), hard))


def _process(command: list[str], env: dict[str, str], port: int):  # type: ignore[no-untyped-def]
    return loopback.serving(command, port=port, cwd=ROOT, env=env, stderr=_log(), preexec_fn=_raise_fd_limit)


def _log() -> int:
    """Server stderr goes to a file named by BENCH_WS_LOG (to debug a run), else nowhere."""
    name = os.environ.get("BENCH_WS_LOG")
    return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_APPEND) if name else subprocess.DEVNULL


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class _Listener(asyncio.Protocol):
    """A receive-only WebSocket client: just enough framing to timestamp each message on arrival.

    A thousand ``websockets`` clients cost the bench process more CPU than the server spends on the
    broadcast; on a 2-core machine that CPU comes out of the server's share and the figure measures
    the client library. This reader parses unmasked server frames in ``data_received`` instead.
    """

    def __init__(self, host: str, path: str, opened: Callable[[bool], None], received: list[float]) -> None:
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
            "Sec-WebSocket-Version: 13\r\nOrigin: http://localhost\r\n\r\n"
        ).encode()
        self.opened, self.received = opened, received
        self.buffer, self.upgraded = b"", False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.upgraded:
            self.opened(False)

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        self.buffer += data
        if not self.upgraded:
            head, found, self.buffer = self.buffer.partition(b"\r\n\r\n")
            if not found:
                self.buffer = head
                return
            self.upgraded = head.startswith(b"HTTP/1.1 101")
            self.opened(self.upgraded)
        while (frame := self._next_frame()) is not None:
            opcode, payload = frame
            if opcode == 0x1:
                self.received.append(now)
            elif opcode == 0x9:  # ping: answer with a pong (masked, key 0, so the payload goes as is)
                assert self.transport is not None
                self.transport.write(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)

    def _next_frame(self) -> tuple[int, bytes] | None:
        buffer = self.buffer
        if len(buffer) < 2:
            return None
        size, offset = buffer[1] & 0x7F, 2
        if size >= 126:
            offset = 4 if size == 126 else 10
            if len(buffer) < offset:
                return None
            size = int.from_bytes(buffer[2:offset], "big")
        if len(buffer) < offset + size:
            return None
        self.buffer = buffer[offset + size :]
        return buffer[0] & 0x0F, buffer[offset : offset + size]


async def _connect_all(port: int, clients: int, received: list[float]) -> list[asyncio.Transport]:
    """Open ``clients`` listeners in waves (each $connect runs a Lambda handler); return the upgraded ones."""
    loop = asyncio.get_running_loop()
    outcomes: list[asyncio.Future[bool]] = []
    transports = []
    for start in range(0, clients, 50):
        for _ in range(min(50, clients - start)):
            outcome: asyncio.Future[bool] = loop.create_future()
            outcomes.append(outcome)

            def opened(ok: bool, outcome: asyncio.Future[bool] = outcome) -> None:
                if not outcome.done():
                    outcome.set_result(ok)

            factory = functools.partial(_Listener, f"127.0.0.1:{port}", PATH, opened, received)
            with contextlib.suppress(OSError):
                transports.append((await loop.create_connection(factory, "127.0.0.1", port))[0])
        await asyncio.sleep(0.05)
    results = await asyncio.wait_for(asyncio.gather(*outcomes), timeout=120)
    if not all(results):
        print(f"warning: {results.count(False)} of {clients} clients were refused", file=sys.stderr)
    return transports


async def _run(port: int, clients: int, rounds: int) -> list[float]:
    """Connect the listeners, then broadcast ``rounds`` times; return every (listener, round) delay in ms."""
    received: list[float] = []
    transports = await _connect_all(port, clients, received)
    delays: list[float] = []
    async with websockets.connect(f"ws://127.0.0.1:{port}{PATH}", origin="http://localhost") as sender:
        for _ in range(rounds):
            await asyncio.sleep(0.5)  # let the server settle between broadcasts
            received.clear()
            sent = time.perf_counter()
            await sender.send(json.dumps({"action": "sendmessage", "data": "stop"}))
            deadline = time.monotonic() + 30
            while len(received) < len(transports) and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            delays += [(t - sent) * 1000 for t in received]
            await asyncio.wait_for(sender.recv(), timeout=30)  # the sender is in the chat too: drain its copy
    for transport in transports:
        transport.close()
    return delays


def _measure(clients: int, rounds: int, env: dict[str, str]) -> tuple[list[float], float]:
    port = loopback.free_port()
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
        delays = asyncio.run(_run(port, clients, rounds))
        rss = _rss_mb(server.pid)
    return delays, rss


def _report(suffix: str, clients: int, rounds: int, delays: list[float], rss: float) -> list[str]:
    if len(delays) < clients * rounds:
        print(f"warning: {len(delays)} of {clients * rounds} deliveries arrived{suffix}", file=sys.stderr)
    cuts = statistics.quantiles(delays, n=100) if len(delays) > 1 else delays * 99
    return [
        f"ws_clients{suffix}: {len(delays) // rounds}",
        f"ws_broadcast_p50_ms{suffix}: {cuts[49]:.1f} ms",
        f"ws_broadcast_p99_ms{suffix}: {cuts[98]:.1f} ms",
        f"ws_server_rss_mb{suffix}: {rss:.0f} MB",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="broadcasts measured (p50/p99 over all)")
    parser.add_argument("--skip-redis", action="store_true")
    args = parser.parse_args()
    _raise_fd_limit()
    folder = Path(tempfile.mkdtemp(prefix="gateway-lab-bench-ws-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}", "DEBUG": "true"}
    env.pop("REDIS_URL", None)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    lines = _report("", args.clients, args.rounds, *_measure(args.clients, args.rounds, env))
    redis_server = shutil.which("redis-server")
    if redis_server and not args.skip_redis:
        port = loopback.free_port()
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
            redis_env = {**env, "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
            lines += _report(
                "_redis", args.clients, args.rounds, *_measure(args.clients, args.rounds, redis_env)
            )
    shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
