"""/healthz latency while the simulate API and the WebSocket endpoint are flooded (issue 16).

    python bench/healthz_under_load.py [--seconds 5]          # start a server, flood it, measure
    python bench/healthz_under_load.py flood --url URL [...]  # only flood URL (prints counts as JSON)

The standalone run starts uvicorn (``make serve``'s protocol options, a private migrated SQLite file,
simulation rate limit off so every request does engine work) on a free loopback port, starts a
second process that floods it — threads posting ``POST /api/v1/simulations`` with a preset, and
threads opening a WebSocket to ``/gw/demo-ws/prod``, sending ``whoami`` and closing — and meanwhile
asks ``/healthz`` every 50 ms. Prints, last, one per line: ``healthz_samples``, ``healthz_p50_ms``,
``healthz_p95_ms``, ``healthz_max_ms``, ``flood_simulations``, ``flood_websockets``.

Bounded: the flood stops after ``--seconds`` or ``--max-requests`` per thread, every request has a
10 s timeout, and everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import loopback  # bench/loopback.py (this folder is on sys.path when a script runs)

ROOT = Path(__file__).resolve().parents[1]
WS_PROTOCOL = "gateway_lab.livegw.wsframes:FrameReportingProtocol"


# --- The flood (run in its own process) -----------------------------------------------------------


def _post_simulations(url: str, preset: str, until: float, max_requests: int, counts: dict[str, int]) -> None:
    body = json.dumps({"preset": preset}).encode()
    for _ in range(max_requests):
        if time.monotonic() >= until:
            return
        request = urllib.request.Request(
            f"{url}/api/v1/simulations",
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
                counts[f"simulations_{response.status}"] = counts.get(f"simulations_{response.status}", 0) + 1
        except urllib.error.HTTPError as error:
            counts[f"simulations_{error.code}"] = counts.get(f"simulations_{error.code}", 0) + 1


def _open_close_websockets(ws_url: str, until: float, max_requests: int, counts: dict[str, int]) -> None:
    from websockets.sync.client import connect

    for _ in range(max_requests):
        if time.monotonic() >= until:
            return
        try:
            with connect(f"{ws_url}/gw/demo-ws/prod", open_timeout=10) as socket_:
                socket_.send(json.dumps({"action": "whoami"}))
                socket_.recv(timeout=10)
            counts["websockets"] = counts.get("websockets", 0) + 1
        except Exception as exc:  # a refused or dropped socket is counted, not fatal
            counts[f"websocket_{exc.__class__.__name__}"] = (
                counts.get(f"websocket_{exc.__class__.__name__}", 0) + 1
            )


def flood(
    url: str, *, seconds: float, sim_threads: int = 4, ws_threads: int = 2, max_requests: int = 2000
) -> dict[str, int]:
    """Flood ``url`` for ``seconds`` and return how many requests of each kind were answered."""
    with urllib.request.urlopen(f"{url}/api/v1/presets", timeout=10) as response:
        presets = json.loads(response.read())
    listed = presets if isinstance(presets, list) else presets.get("presets", presets.get("results", []))
    preset = listed[0]["name"]
    ws_url = "ws://" + url.removeprefix("http://")
    until = time.monotonic() + seconds
    per_thread: list[dict[str, int]] = []
    threads = []
    for index in range(sim_threads + ws_threads):
        counts: dict[str, int] = {}
        per_thread.append(counts)
        if index < sim_threads:
            target, args = _post_simulations, (url, preset, until, max_requests, counts)
        else:
            target, args = _open_close_websockets, (ws_url, until, max_requests, counts)
        threads.append(threading.Thread(target=target, args=args, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    total: dict[str, int] = {}
    for counts in per_thread:
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
    return total


def _lower_priority() -> None:
    os.nice(5)


def start_flood(url: str, seconds: float) -> subprocess.Popen[str]:
    """Start the flood in another process; its last stdout line is the JSON of ``flood``'s counts.

    The flooding process runs at a lower CPU priority (nice +5): on a 2-core machine its own client
    work (HTTP and WebSocket clients in Python) would otherwise compete with the server and the
    measurer for the same cores, where a real attacker's clients run on machines of their own.
    """
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "flood",
        "--url",
        url,
        "--seconds",
        str(seconds),
    ]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, preexec_fn=_lower_priority)


# --- Measuring /healthz ------------------------------------------------------------------------------


def healthz_latencies(url: str, *, seconds: float, interval: float = 0.05) -> list[tuple[int, float]]:
    """Ask ``/healthz`` every ``interval`` for ``seconds``; return (status, milliseconds) per answer."""
    samples = []
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        samples.append((status, (time.perf_counter() - started) * 1000))
        time.sleep(interval)
    return samples


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# --- Standalone run ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _server(folder: str):  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        "GATEWAY_LAB_SIMULATION_RATE": "off",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT
    )
    port = loopback.free_port()
    command = [sys.executable, "-m", "uvicorn", "gateway_lab.asgi:application", "--host", "127.0.0.1",
               "--port", str(port), "--lifespan", "off", "--no-access-log", "--ws", WS_PROTOCOL]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", nargs="?", default="run", choices=["run", "flood"])
    parser.add_argument("--url", default="")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    if args.mode == "flood":
        print(json.dumps(flood(args.url, seconds=args.seconds)), flush=True)
        return 0
    with tempfile.TemporaryDirectory(prefix="gateway-lab-bench-") as folder, _server(folder) as url:
        child = start_flood(url, args.seconds)
        time.sleep(0.5)  # let the flood start
        samples = healthz_latencies(url, seconds=args.seconds - 1)
        out, _ = child.communicate(timeout=args.seconds + 60)
    counts = json.loads(out.strip().splitlines()[-1])
    latencies = [ms for _, ms in samples]
    # DESIGN.md: figures last, one per line, as ``name: value unit``.
    print(f"flood_simulations: {sum(v for k, v in counts.items() if k.startswith('simulations_'))} requests")
    print(f"flood_websockets: {counts.get('websockets', 0)} connections")
    print(f"healthz_samples: {len(samples)} probes")
    print(f"healthz_p50_ms: {statistics.median(latencies):.1f} ms")
    print(f"healthz_p95_ms: {percentile(latencies, 0.95):.1f} ms")
    print(f"healthz_max_ms: {max(latencies):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
