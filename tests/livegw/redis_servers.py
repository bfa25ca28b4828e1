"""Test helpers: a private redis-server that a test may stop and restart, and uvicorn servers on it.

Everything listens on 127.0.0.1 only, on free ports; nothing system-wide is touched.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT, AsgiServer
from tests.services import free_port


class PrivateRedis:
    """A redis-server without persistence on a fixed free port; ``stop``/``start`` keep the port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()  # an outage, not a clean shutdown
            self.process.wait(timeout=10)
            self.process = None


def migrated_sqlite(folder: Path) -> str:
    """Return the DATABASE_URL of a fresh, migrated SQLite file in ``folder`` (for child servers)."""
    url = f"sqlite:///{folder / 'servers.sqlite3'}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        check=True,
        env={**os.environ, "DATABASE_URL": url},
        cwd=ROOT,
    )
    return url


def redis_server(redis_url: str, database_url: str) -> AsgiServer:
    return AsgiServer(env={"REDIS_URL": redis_url, "DATABASE_URL": database_url})
