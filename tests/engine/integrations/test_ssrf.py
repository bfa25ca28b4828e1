"""SSRF table for HTTP integrations (issue 16; §6.4 ports; §5.2 gateway errors).

Every hostile destination is refused before a byte leaves the process: loopback spellings, the
metadata address, numeric tricks that only a resolver turns into 127.0.0.1, names that resolve to
loopback (a test-only resolver stands in for DNS), a redirect to loopback, and methods that would
smuggle a second line onto the request. A real listener on loopback proves nothing reached it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from gateway_lab.engine.integrations import IntegrationConfigError, IntegrationRuntime, invoke
from gateway_lab.engine.integrations.http_transport import (
    HttpBackendError,
    HttpTimeout,
    allow_listed_transport,
    check_method,
    check_url,
)


class Listener:
    """A loopback TCP socket that counts the connections it accepts (the service an attacker wants)."""

    def __init__(self, reply: bytes | None = None, *, hold: bool = False) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted, self.received = 0, b""
        self.reply, self.hold = reply, hold
        self._stop = threading.Event()
        self.sock.settimeout(0.05)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            with conn:
                conn.settimeout(1.0)
                with contextlib.suppress(OSError):
                    self.received += conn.recv(65536)
                if self.reply is not None:
                    conn.sendall(self.reply)
                while self.hold and not self._stop.is_set():
                    time.sleep(0.02)

    def close(self) -> None:
        self._stop.set()
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def _with(runtime: IntegrationRuntime, transport) -> IntegrationRuntime:
    return IntegrationRuntime(
        functions=runtime.functions, services=runtime.services, http=transport, clock=runtime.clock
    )


HOSTILE_HOSTS = [
    "localhost",
    "localhost.",
    "LOCALHOST",
    "127.0.0.1",
    "127.1",
    "0.0.0.0",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[0:0:0:0:0:ffff:7f00:1]",
    "2130706433",
    "0177.0.0.1",
    "0x7f.0.0.1",
    "169.254.169.254",
    "[fe80::1]",
    "10.0.0.1",
    "192.168.1.1",
    "224.0.0.1",
]


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
def test_default_allow_list_reaches_no_host_issue16(host, listener, make_call, runtime):
    """Issue 16: the default runtime (empty allow-list) refuses every loopback/private spelling; nothing connects."""
    uri = f"http://{host}:{listener.port}/"
    result = invoke(make_call({"type": "HTTP_PROXY", "uri": uri}), runtime)
    assert (result.error.status, result.error.gateway_response_type) == (500, "API_CONFIGURATION_ERROR")
    time.sleep(0.05)
    assert listener.accepted == 0


@pytest.mark.parametrize("host", ["localhost", "127.1", "2130706433", "0177.0.0.1", "localhost."])
def test_listed_name_that_resolves_to_loopback_is_refused_issue16(host, listener):
    """Issue 16: a listed *name* must resolve to a public address; the system resolver turns these into 127.0.0.1."""
    transport = allow_listed_transport([host.rstrip(".")])
    with pytest.raises(IntegrationConfigError, match="loopback, private or reserved"):
        transport("GET", f"http://{host}:{listener.port}/", (), b"", 1.0)
    assert listener.accepted == 0


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "::1", "169.254.169.254", "10.1.2.3", "0.0.0.0", "::ffff:127.0.0.1", "ff02::1"]
)
def test_dns_name_resolving_to_a_private_address_is_refused_issue16(address):
    """Issue 16: a DNS name (test resolver) pointing at loopback, metadata or a private range is refused."""
    calls = []

    def resolver(host, port):
        calls.append(host)
        return [address]

    with pytest.raises(IntegrationConfigError, match="resolves to"):
        check_url("http://backend.example:8080/", ["backend.example"], resolver=resolver)
    assert calls == ["backend.example"]


def test_any_private_address_among_several_refuses_the_name_issue16():
    """Issue 16: one loopback address among public ones is enough to refuse the host."""
    with pytest.raises(IntegrationConfigError, match="127.0.0.1"):
        check_url(
            "http://backend.example/",
            ["backend.example"],
            resolver=lambda h, p: ["93.184.216.34", "127.0.0.1"],
        )


def test_public_address_of_a_listed_name_is_accepted_issue16():
    """Issue 16: the operator's listed public host passes, and the transport will connect to the checked address."""
    target = check_url("https://api.example/v1?a=1", ["api.example"], resolver=lambda h, p: ["93.184.216.34"])
    assert (target.host, target.port, target.address, target.path) == (
        "api.example",
        443,
        "93.184.216.34",
        "/v1?a=1",
    )


def test_connects_to_the_checked_address_not_a_second_lookup_issue16():
    """Issue 16 (DNS rebinding): the name is resolved once; the connection goes to that address."""
    server = HTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    answers = iter([["127.0.0.1"], ["10.9.9.9"], ["10.9.9.9"]])
    calls = []

    def rebinding(host, port):
        calls.append(host)
        return next(answers)

    try:
        transport = allow_listed_transport(["backend.test", "127.0.0.1"], resolver=rebinding)
        reply = transport("GET", f"http://backend.test:{server.server_port}/x", (), b"", 2.0)
    finally:
        server.shutdown()
        server.server_close()
    assert (reply.status, reply.body, calls) == (
        200,
        b"host=backend.test:%d" % server.server_port,
        ["backend.test"],
    )


def test_listed_port_is_the_only_port_issue16(listener):
    """Issue 16: an entry with a port (``127.0.0.1:8080``) allows that port only."""
    transport = allow_listed_transport([f"127.0.0.1:{listener.port + 1}"])
    with pytest.raises(IntegrationConfigError, match="allow-list"):
        transport("GET", f"http://127.0.0.1:{listener.port}/", (), b"", 1.0)
    assert listener.accepted == 0


@pytest.mark.parametrize("port", [6379, 5432])
def test_redis_and_postgres_ports_are_never_called_issue16(port):
    """Issue 16: never Redis or PostgreSQL, even when the operator lists loopback."""
    with pytest.raises(IntegrationConfigError, match="never call"):
        allow_listed_transport(["127.0.0.1"])("GET", f"http://127.0.0.1:{port}/", (), b"", 1.0)


def test_extra_blocked_ports_come_from_the_runtime_issue16(listener, clock):
    """Issue 16: the site passes the ports of its own REDIS_URL/DATABASE_URL; those are refused too."""
    runtime = IntegrationRuntime.default(
        clock=clock, http_allowlist=("127.0.0.1",), http_blocked_ports=(listener.port,)
    )
    with pytest.raises(IntegrationConfigError, match="never call"):
        runtime.http("GET", f"http://127.0.0.1:{listener.port}/", (), b"", 1.0)


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 — http.server's name
        body = f"host={self.headers['Host']}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_redirect_to_loopback_is_not_followed_issue16(listener, make_call, runtime):
    """Issue 16: an allow-listed backend's 302 to another loopback port comes back as is; nothing follows it."""

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{listener.port}/secret")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        transport = allow_listed_transport([f"127.0.0.1:{server.server_port}"])
        call = make_call({"type": "HTTP_PROXY", "uri": f"http://127.0.0.1:{server.server_port}/"})
        result = invoke(call, _with(runtime, transport))
    finally:
        server.shutdown()
        server.server_close()
    assert (result.response.status, result.response.headers["Location"]) == (
        302,
        f"http://127.0.0.1:{listener.port}/secret",
    )
    time.sleep(0.05)
    assert listener.accepted == 0


@pytest.mark.parametrize(
    "method",
    [
        "SET pwned 1",
        "GET / HTTP/1.1\r\nHost: x\r\n\r\nSET",
        "GET\r\n",
        "GET\n",
        "G ET",
        "",
        "CONNECT",
        "TRACE",
        "SET",
    ],
)
def test_methods_are_allowed_tokens_only_issue16(method):
    """Issue 16 / RFC 7230 §3.1.1: only API Gateway's integration methods, as tokens, reach the request line."""
    with pytest.raises(IntegrationConfigError, match="Invalid integration HTTP method"):
        check_method(method)


def test_crafted_method_never_reaches_the_backend_issue16(listener, make_call, runtime):
    """Issue 16: the Redis attack's method, even to an allow-listed port, sends nothing."""
    transport = allow_listed_transport([f"127.0.0.1:{listener.port}"])
    integration = {"type": "HTTP", "httpMethod": "SET pwned 1", "uri": f"http://127.0.0.1:{listener.port}/"}
    result = invoke(make_call(integration), _with(runtime, transport))
    assert (result.error.status, result.error.gateway_response_type) == (500, "API_CONFIGURATION_ERROR")
    time.sleep(0.05)
    assert (listener.accepted, listener.received) == (0, b"")


@pytest.mark.parametrize("reply", [b"", b"-ERR wrong protocol\r\n", b"\x00\x01garbage\r\n\r\n"])
def test_non_http_port_is_an_integration_failure_issue16(reply, make_call, runtime):
    """Issue 16 / §5.2: a port that hangs up or answers garbage gives INTEGRATION_FAILURE 504, not an exception."""
    server = Listener(reply)
    try:
        transport = allow_listed_transport([f"127.0.0.1:{server.port}"])
        call = make_call({"type": "HTTP_PROXY", "uri": f"http://127.0.0.1:{server.port}/"})
        result = invoke(call, _with(runtime, transport))
    finally:
        server.close()
    assert (result.error.status, result.error.gateway_response_type) == (504, "INTEGRATION_FAILURE")
    assert result.error.message == "Internal server error"


def test_non_http_port_on_an_http_api_is_a_500_issue16(make_call, runtime):
    """Issue 16 / §5.3: an HTTP API answers a broken backend with 500 Internal Server Error (with a fidelity note)."""
    server = Listener(b"garbage\r\n")
    try:
        transport = allow_listed_transport([f"127.0.0.1:{server.port}"])
        call = make_call({"type": "HTTP_PROXY", "uri": f"http://127.0.0.1:{server.port}/"}, api_type="HTTP")
        result = invoke(call, _with(runtime, transport))
    finally:
        server.close()
    assert (result.error.status, result.error.message) == (500, "Internal Server Error")
    assert result.fidelity


def test_transport_raises_backend_error_for_garbage_issue16():
    """Issue 16: RemoteDisconnected / BadStatusLine surface as HttpBackendError from the transport."""
    server = Listener(b"")
    try:
        with pytest.raises(HttpBackendError):
            allow_listed_transport([f"127.0.0.1:{server.port}"])(
                "GET", f"http://127.0.0.1:{server.port}/", (), b"", 1.0
            )
    finally:
        server.close()


def test_real_wait_is_bounded_issue16(make_call, runtime):
    """Issue 16 / §5.1: a backend that never answers costs at most max_wait_s of real time; the trace shows the timeout."""
    server = Listener(None, hold=True)
    try:
        transport = allow_listed_transport([f"127.0.0.1:{server.port}"], max_wait_s=0.3)
        call = make_call({"type": "HTTP_PROXY", "uri": f"http://127.0.0.1:{server.port}/"})
        started = time.monotonic()
        result = invoke(call, _with(runtime, transport))
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert (result.error.status, result.error.gateway_response_type, result.duration_ms) == (
        504,
        "INTEGRATION_TIMEOUT",
        29_000,
    )
    assert elapsed < 2.0


def test_transport_timeout_exception_issue16():
    """Issue 16: the transport raises HttpTimeout when the bounded wait runs out."""
    server = Listener(None, hold=True)
    try:
        with pytest.raises(HttpTimeout):
            allow_listed_transport([f"127.0.0.1:{server.port}"], max_wait_s=0.2)(
                "GET", f"http://127.0.0.1:{server.port}/", (), b"", 29.0
            )
    finally:
        server.close()


def test_default_simulation_wait_is_a_few_seconds_issue16(clock):
    """Issue 16: a simulation runtime caps real waits (MAX_WAIT_S), the live one waits the integration timeout."""
    from gateway_lab.engine.integrations.http_transport import MAX_WAIT_S

    assert 1 <= MAX_WAIT_S <= 10
    server = Listener(None, hold=True)
    try:
        runtime = IntegrationRuntime.default(clock=clock, http_allowlist=(f"127.0.0.1:{server.port}",))
        started = time.monotonic()
        with pytest.raises(HttpTimeout):
            runtime.http("GET", f"http://127.0.0.1:{server.port}/", (), b"", 29.0)
        assert time.monotonic() - started < MAX_WAIT_S + 1
    finally:
        server.close()


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_SET",
        "http://user:pw@api.example/",
        "http:///x",
        "http://api.example:99999/",
    ],
)
def test_only_plain_http_urls_issue16(url):
    """Issue 16 / §6.4: http(s) only, no credentials in the URL, a valid port."""
    with pytest.raises(IntegrationConfigError):
        check_url(url, ["api.example", "example.com", "127.0.0.1"], resolver=lambda h, p: ["93.184.216.34"])
