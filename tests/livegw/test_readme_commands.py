"""The README's WebSocket commands, run exactly as written against the server ``make run`` uses (§9).

API Gateway does not check ``Origin`` on WebSocket APIs (authorization happens at ``$connect``), so a
plain client such as ``python -m websockets`` — which sends no ``Origin`` — must connect to ``/gw/``.
The site's own feeds keep their origin check.
"""

from __future__ import annotations

import json
import queue
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from gateway_lab.livegw.services import connections_token
from tests.conftest import AsgiServer

pytestmark = pytest.mark.django_db(transaction=True)
README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
DEFAULT_ORIGIN = "http://127.0.0.1:8000"


def _readme_line(prefix: str) -> str:
    lines = [line.strip() for line in README.splitlines() if line.strip().startswith(prefix)]
    assert lines, f"README.md has no line starting with {prefix!r}"
    return lines[0]


def _on(server: AsgiServer, text: str) -> str:
    """Point a README command at the test server instead of port 8000."""
    return text.replace("127.0.0.1:8000", f"127.0.0.1:{server.port}")


def test_readme_websockets_cli_connects_and_gets_a_reply(asgi_server: AsgiServer) -> None:
    """The README's ``python -m websockets ws://…/gw/demo-ws/prod`` connects and answers a sendmessage."""
    command = shlex.split(_on(asgi_server, _readme_line("python -m websockets")))
    assert command[:3] == ["python", "-m", "websockets"]
    typed = _readme_line("> {").removeprefix("> ")
    client = subprocess.Popen(
        [sys.executable, *command[1:]],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    try:
        assert client.stdin and client.stdout
        threading.Thread(target=lambda: [lines.put(line) for line in client.stdout], daemon=True).start()
        client.stdin.write(typed + "\n")
        client.stdin.flush()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # wait for the reply, as a person at the prompt would
            try:
                seen.append(lines.get(timeout=deadline - time.monotonic()))
            except queue.Empty:
                break
            if "< hello" in seen[-1]:
                break
    finally:
        client.kill()
        client.wait(timeout=10)
    output = "".join(seen)
    assert "Connected to" in output, output
    assert "< hello" in output, output


def test_gateway_websocket_accepts_clients_without_origin(asgi_server: AsgiServer) -> None:
    """§9: a client that sends no Origin header (SDKs, wscat) is accepted on /gw/."""
    with connect(f"{asgi_server.ws_url}/gw/demo-ws/prod", open_timeout=10) as socket:
        socket.send(json.dumps({"action": "sendmessage", "data": "no origin"}))
        assert "no origin" in socket.recv(timeout=10)


def test_site_feed_still_refuses_foreign_origin(asgi_server: AsgiServer) -> None:
    """The demo page's own trace feed keeps the origin check: another site cannot open it."""
    with pytest.raises(InvalidStatus) as refused:
        connect(
            f"{asgi_server.ws_url}/ws-demo/traces/demo-ws/prod", origin="http://evil.example", open_timeout=10
        )
    assert refused.value.response.status_code == 403


def test_readme_connections_curl_pushes_to_a_connection(asgi_server: AsgiServer) -> None:
    """The README's ``curl -X POST … @connections/<id>`` delivers its body to that connection (§9)."""
    with connect(f"{asgi_server.ws_url}/gw/demo-ws/prod", origin=DEFAULT_ORIGIN, open_timeout=10) as socket:
        socket.send(json.dumps({"action": "whoami"}))
        reply = socket.recv(timeout=10)
        connection_id = json.loads(reply).get("connectionId") if reply.startswith("{") else None
        assert connection_id, f"the demo API should tell a client its connection id: {reply!r}"
        command = _on(asgi_server, _readme_line('curl -X POST -H "Authorization: Bearer'))
        command = command.replace("<token>", connections_token()).replace("<id>", connection_id)
        result = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        assert socket.recv(timeout=10) == "hello"
