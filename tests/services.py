"""Run a command with private, throwaway service servers started from Debian's binaries.

    python tests/services.py postgres -- python -m pytest -m postgres
    python tests/services.py postgres redis -- python -m pytest -m "not browser"

``postgres`` starts a PostgreSQL cluster in a temporary folder on a free loopback port and exports
``DATABASE_URL``; ``redis`` starts a redis-server without persistence and exports ``REDIS_URL``.
Everything is removed afterwards, whatever the command's result.
Nothing system-wide is touched (TOOLCHAIN.md: private cluster with initdb + pg_ctl).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if not found:
        sys.exit(f"PostgreSQL's {name} was not found: apt-get install postgresql")
    return found


def _as_service_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: use the 'postgres' account the Debian package creates.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def postgres() -> Iterator[dict[str, str]]:
    """Start a private PostgreSQL server; yield the environment that points at it."""
    folder = tempfile.mkdtemp(prefix="gateway-lab-pg-")
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
    data, port = os.path.join(folder, "data"), free_port()
    subprocess.run(
        _as_service_user(
            [
                _pg_bin("initdb"),
                "-D",
                data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    pg_ctl = _pg_bin("pg_ctl")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run(
        _as_service_user(
            [pg_ctl, "-D", data, "-o", options, "-l", os.path.join(folder, "log"), "-w", "start"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/postgres"}
    finally:
        subprocess.run(
            _as_service_user([pg_ctl, "-D", data, "-m", "immediate", "stop"]), stdout=subprocess.DEVNULL
        )
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def redis() -> Iterator[dict[str, str]]:
    """Start a private redis-server (no persistence); yield the environment that points at it."""
    binary = shutil.which("redis-server") or "/usr/sbin/redis-server"
    if not os.path.exists(binary):
        sys.exit("redis-server was not found: apt-get install redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield {"REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    finally:
        process.terminate()
        process.wait(timeout=10)


SERVICES = {"postgres": postgres, "redis": redis}


def main(argv: list[str]) -> int:
    if "--" not in argv or argv.index("--") == 0:
        sys.exit("usage: services.py SERVICE [SERVICE…] -- COMMAND…")
    split = argv.index("--")
    names, command = argv[:split], argv[split + 1 :]
    with contextlib.ExitStack() as stack:
        env = dict(os.environ)
        for name in names:
            env.update(stack.enter_context(SERVICES[name]()))
        return subprocess.run(command, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
