"""Classroom benchmark (issue 14): N students in one room, as a class would load it.

    python bench/classroom.py [--students 300] [--steps 20] [--answer-spread 2.0]

Makes a fresh SQLite database in a temporary folder (migrated; a presenter account and a room),
starts uvicorn on a free loopback port with the in-memory channel layer (one process, as
``make run``), has every student join through ``/join/`` (a real form post: code, name, session
cookie) and open the room's WebSocket, then measures:

- ``classroom_push_p99_ms``: the presenter's socket sends ``drive`` (the next visualizer step) →
  each student's socket has the position event; p99 over every student and step.
- ``classroom_frames_loaded_ms`` (printed before the three): every student's frame fetches the
  step's visualizer page over HTTP; the time until the last one arrived.
- ``classroom_poll_results_ms``: a "predict the next stage" poll; each student answers once, at a
  random moment within ``--answer-spread`` seconds (people do not all click in the same
  millisecond); the time from the last answer's send to the presenter's socket receiving a tally
  that counts every answer. ``--answer-spread 0`` sends all answers at once (the server then
  writes them one after another: see ``classroom_poll_burst_ms``, printed too).

Prints, last, one per line: ``classroom_students``, ``classroom_push_p99_ms``,
``classroom_poll_results_ms``. Loopback only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import loopback  # bench/loopback.py (this folder is on sys.path when a script runs)
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PRESET = "rest-vs-http"
WAIT_S = 30  # bound on every phase


def _prepare(database: Path) -> tuple[str, str]:
    """Migrate a fresh database, create a presenter and a room; return (join code, presenter cookie)."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway_lab.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client

    from gateway_lab.classroom import services

    call_command("migrate", verbosity=0, interactive=False)
    user = get_user_model().objects.create_user(username="bench-teacher", password="bench-only")
    user.groups.add(Group.objects.get_or_create(name=services.PRESENTER_GROUP)[0])
    room = services.room_open(user=user, title="bench")
    client = Client()
    client.force_login(user)
    return room.code, client.cookies[settings.SESSION_COOKIE_NAME].value


def _join(base: str, code: str, name: str) -> str:
    """Join through the real form (GET for the CSRF token, POST code + name); return the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/join/?code={code}", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on /join/"
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "code": code, "name": name}
    ).encode()
    response = opener.open(f"{base}/join/", data=data, timeout=10)
    assert response.status == 200 and f"/join/{code}/" in response.url, response.url
    return next(c.value for c in jar if c.name == "sessionid")


class Student:
    def __init__(self) -> None:
        self.arrivals: dict[int, float] = {}
        self.poll: dict[str, Any] | None = None
        self.poll_seen = asyncio.Event()
        self.socket: Any = None

    async def open(self, url: str, origin: str, cookie: str) -> None:
        self.socket = await connect(url, origin=origin, additional_headers={"Cookie": f"sessionid={cookie}"},
                                    open_timeout=WAIT_S, compression=None, ping_interval=None)  # fmt: skip
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.socket:
            now = time.perf_counter()
            message = json.loads(raw)
            if message["type"] == "position":
                self.arrivals[message["seq"]] = now
            elif message["type"] == "poll":
                self.poll = message["poll"]
                self.poll_seen.set()


class Presenter:
    def __init__(self, students: int) -> None:
        self.students = students
        self.joined = asyncio.Event()
        self.counted_all: float | None = None
        self.all_counted = asyncio.Event()
        self.seq = 0
        self.snapshot_seen = False

    async def open(self, url: str, origin: str, cookie: str) -> None:
        self.socket = await connect(url, origin=origin, additional_headers={"Cookie": f"sessionid={cookie}"},
                                    open_timeout=WAIT_S, compression=None, ping_interval=None)  # fmt: skip
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.socket:
            now = time.perf_counter()
            message = json.loads(raw)
            kind = message["type"]
            if kind == "presenter" and message["participants"] >= self.students:
                self.joined.set()
            elif (
                kind == "tally"
                and message["tally"]["total"] >= self.students
                and not self.all_counted.is_set()
            ):
                self.counted_all = now
                self.all_counted.set()
            elif kind == "error":
                raise RuntimeError(f"presenter refused: {message}")
            if kind == "snapshot":
                self.snapshot_seen = True
            if isinstance(message.get("seq"), int):
                self.seq = max(self.seq, message["seq"])

    async def drive(self, step: int) -> float:
        sent = time.perf_counter()
        await self.socket.send(
            json.dumps(
                {"command": "drive", "position": {"kind": "visualizer", "preset": PRESET, "step": step}}
            )
        )
        return sent


async def _until(predicate: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.002)


async def _run(
    port: int, code: str, presenter_cookie: str, cookies: list[str], steps: int, spread: float
) -> dict[str, float]:
    origin, ws = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/classroom/ws/{code}"
    presenter = Presenter(len(cookies))
    await presenter.open(f"{ws}?role=presenter", origin, presenter_cookie)
    await _until(lambda: presenter.snapshot_seen, "the presenter's snapshot")
    students = [Student() for _ in cookies]
    gate = asyncio.Semaphore(50)

    async def open_student(student: Student, cookie: str) -> None:
        async with gate:
            await student.open(f"{ws}?role=student", origin, cookie)

    await asyncio.wait_for(
        asyncio.gather(*(open_student(s, c) for s, c in zip(students, cookies, strict=True))), WAIT_S * 2
    )
    await asyncio.wait_for(presenter.joined.wait(), WAIT_S)
    await asyncio.sleep(1.0)  # let the presenter's join notifications drain before timing

    latencies: list[float] = []
    seq = presenter.seq
    for step in range(1, steps + 1):
        seq += 1
        sent = await presenter.drive(1 + step % 2)  # steps 2 and 1 in turn: the poll asks about step 2
        await _until(lambda seq=seq: all(seq in s.arrivals for s in students), f"step {step}")
        await _until(lambda seq=seq: presenter.seq >= seq, f"the presenter's step {step}")
        latencies.extend((s.arrivals[seq] - sent) * 1000 for s in students)
        await asyncio.sleep(0.05)

    await presenter.drive(2)
    await presenter.socket.send(json.dumps({"command": "poll", "kind": "predict"}))
    await asyncio.wait_for(asyncio.gather(*(s.poll_seen.wait() for s in students)), WAIT_S)
    poll = students[0].poll
    keys = [c["key"] for c in poll["choices"]]
    sends: list[float] = []

    async def answer(student: Student) -> None:
        await asyncio.sleep(random.uniform(0, spread))
        sends.append(time.perf_counter())
        await student.socket.send(
            json.dumps({"command": "answer", "poll": poll["id"], "choice": random.choice(keys)})
        )

    await asyncio.gather(*(answer(s) for s in students))
    await asyncio.wait_for(presenter.all_counted.wait(), WAIT_S)
    results_ms = (presenter.counted_all - max(sends)) * 1000
    for socket_owner in (presenter, *students):
        await socket_owner.socket.close()
    latencies.sort()
    return {
        "push_p50": statistics.median(latencies),
        "push_p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "results": results_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--answer-spread", type=float, default=2.0, help="seconds over which students answer")
    args = parser.parse_args()
    random.seed(14)
    with tempfile.TemporaryDirectory(prefix="classroom-bench-") as folder:
        database = Path(folder) / "bench.sqlite3"
        code, presenter_cookie = _prepare(database)
        port = loopback.free_port()
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}  # in-memory layer: one process
        env.update({"DATABASE_URL": f"sqlite:///{database}", "DEBUG": "true"})
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        command = [PYTHON, "-m", "uvicorn", "gateway_lab.asgi:application", "--host", "127.0.0.1",
                   "--port", str(port), "--lifespan", "off", "--no-access-log", "--log-level", "warning"]  # fmt: skip
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        try:
            loopback.wait_port(port)
            base = f"http://127.0.0.1:{port}"
            with ThreadPoolExecutor(max_workers=8) as pool:
                cookies = list(
                    pool.map(lambda i: _join(base, code, f"Student {i + 1}"), range(args.students))
                )
            figures = asyncio.run(_run(port, code, presenter_cookie, cookies, args.steps, args.answer_spread))
            frames = _frames(base, cookies)
            burst = (
                asyncio.run(_burst(port, code, presenter_cookie, cookies)) if args.answer_spread > 0 else None
            )
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    print(f"classroom_push_p50_ms: {figures['push_p50']:.1f} ms")
    print(f"classroom_frames_loaded_ms: {frames:.1f} ms")
    if burst is not None:
        print(f"classroom_poll_burst_ms: {burst:.1f} ms")
    print(f"classroom_students: {args.students} students")
    print(f"classroom_push_p99_ms: {figures['push_p99']:.1f} ms")
    print(f"classroom_poll_results_ms: {figures['results']:.1f} ms")


def _frames(base: str, cookies: list[str]) -> float:
    """Every student's frame loads the step the room shows (32 at a time, as browsers would over a
    few connections each): the time until the last page arrived. One render, then the cache."""
    url = f"{base}/classroom/frame/visualizer/?preset={PRESET}&req=0&step=5&view=presenter&hide=none"

    def fetch(cookie: str) -> int:
        request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
        with urllib.request.urlopen(request, timeout=WAIT_S) as response:
            return len(response.read())

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=32) as pool:
        sizes = list(pool.map(fetch, cookies))
    assert all(size > 1000 for size in sizes)
    return (time.perf_counter() - started) * 1000


async def _burst(port: int, code: str, presenter_cookie: str, cookies: list[str]) -> float:
    """Every student answers a fresh poll at the same instant: last send → full tally (worst case)."""
    figures = await _run(port, code, presenter_cookie, cookies, steps=1, spread=0.0)
    return figures["results"]


if __name__ == "__main__":
    main()
