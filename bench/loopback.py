"""Loopback helpers the benchmark scripts share: a free port, and waiting until a server listens on it.

Also ``serving``: a server process for the length of a ``with`` block. Not a benchmark itself (``make bench`` runs it too; it prints nothing). Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float = 30) -> None:
    """Return once something accepts connections on 127.0.0.1:``port``; raise after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


@contextlib.contextmanager
def serving(command: list[str], *, port: int, **popen: Any) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``command`` (a server on 127.0.0.1:``port``), yield it once it listens, stop it afterwards.

    ``popen`` goes to ``subprocess.Popen`` (``cwd``, ``env``, ``stderr``…); output is discarded by default.
    """
    popen.setdefault("stdout", subprocess.DEVNULL)
    popen.setdefault("stderr", subprocess.DEVNULL)
    process = subprocess.Popen(command, **popen)
    try:
        wait_port(port)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
