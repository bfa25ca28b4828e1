"""HTTP and HTTP_PROXY integrations through the transport port; the allow-list (§6.4, §8)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from gateway_lab.engine.integrations import IntegrationConfigError, IntegrationRuntime, invoke
from gateway_lab.engine.integrations.http_transport import HttpReply, allow_listed_transport
from gateway_lab.engine.messages import Request


class FakeBackend:
    """A transport that records calls and answers with a fixed reply (httpx MockTransport style)."""

    def __init__(self, reply: HttpReply) -> None:
        self.reply, self.calls = reply, []

    def __call__(self, method, url, headers, body, timeout_s):
        self.calls.append(
            {"method": method, "url": url, "headers": dict(headers), "body": body, "timeout_s": timeout_s}
        )
        return self.reply


def _runtime(runtime: IntegrationRuntime, transport) -> IntegrationRuntime:
    return IntegrationRuntime(
        functions=runtime.functions, services=runtime.services, http=transport, clock=runtime.clock
    )


def test_invoke_http_proxy_substitutes_stage_variables_and_path(make_call, runtime):
    """§8: ${stageVariables.host} and {proxy} fill the URI; the query string is forwarded."""
    backend = FakeBackend(HttpReply(status=201, headers=(("X-B", "1"),), body=b"ok"))
    call = make_call(
        {"type": "HTTP_PROXY", "httpMethod": "ANY", "uri": "http://${stageVariables.host}:8080/{proxy}"},
        Request.build("POST", "/pets/1", query="a=1"),
        stage_variables={"host": "127.0.0.1"},
        path_parameters={"proxy": "pets/1"},
    )
    result = invoke(call, _runtime(runtime, backend))
    assert (
        backend.calls[0]["url"] == "http://127.0.0.1:8080/pets/1?a=1" and backend.calls[0]["method"] == "POST"
    )
    assert (result.response.status, result.response.headers["X-B"], result.response.body) == (201, "1", b"ok")


def test_invoke_http_proxy_slow_backend_times_out(make_call, runtime):
    """§5.1: a backend slower than the timeout gives 504 at the timeout (virtual time)."""
    backend = FakeBackend(HttpReply(status=200, elapsed_ms=31_000))
    result = invoke(
        make_call({"type": "HTTP_PROXY", "uri": "http://127.0.0.1:8080/"}), _runtime(runtime, backend)
    )
    assert (result.error.status, result.duration_ms) == (504, 29_000)


def test_invoke_http_proxy_timeout_on_an_http_api_is_503(make_call, runtime):
    """§5.1/§5.3: an HTTP API's timed-out integration answers 503 Service Unavailable, with a fidelity note."""
    backend = FakeBackend(HttpReply(status=200, elapsed_ms=31_000))
    call = make_call({"type": "HTTP_PROXY", "uri": "http://127.0.0.1:8080/"}, api_type="HTTP")
    result = invoke(call, _runtime(runtime, backend))
    assert (result.error.status, result.error.message, result.duration_ms) == (
        503,
        "Service Unavailable",
        30_000,
    )
    assert "VPC-link" in result.fidelity


def test_invoke_http_maps_status_with_selection_pattern(make_call, runtime):
    """§6.4: for HTTP integrations selectionPattern matches the backend status code."""
    backend = FakeBackend(HttpReply(status=404, body=b'{"msg": "gone"}'))
    integration = {
        "type": "HTTP",
        "httpMethod": "GET",
        "uri": "http://localhost:8080/x",
        "integrationResponses": {
            "200": {},
            "404": {
                "selectionPattern": "404",
                "responseParameters": {"method.response.header.X-Why": "'missing'"},
            },
        },
    }
    result = invoke(make_call(integration), _runtime(runtime, backend))
    assert (result.response.status, result.response.headers["X-Why"]) == (404, "missing")


def test_default_transport_refuses_hosts_outside_allow_list():
    """DESIGN.md: the HTTP integration may only call allow-listed hosts (none by default)."""
    with pytest.raises(IntegrationConfigError, match="allow-list"):
        allow_listed_transport()("GET", "http://example.com/", (), b"", 1.0)


def test_default_transport_refuses_low_custom_ports():
    """§6.4: endpoints use ports 80, 443 or above 1024."""
    with pytest.raises(IntegrationConfigError, match="Port 22"):
        allow_listed_transport()("GET", "http://127.0.0.1:22/", (), b"", 1.0)


def test_invoke_http_proxy_to_disallowed_host_is_configuration_error(make_call, runtime):
    """§5.2: a forbidden endpoint answers API_CONFIGURATION_ERROR 500."""
    result = invoke(make_call({"type": "HTTP_PROXY", "uri": "http://169.254.169.254/latest"}), runtime)
    assert (result.error.status, result.error.gateway_response_type) == (500, "API_CONFIGURATION_ERROR")


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 — http.server's name
        body = f"path={self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_invoke_http_proxy_calls_real_local_server(make_call, runtime):
    """§6.4: the default transport really calls a loopback backend the operator allow-lists by address."""
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        uri = f"http://127.0.0.1:{server.server_port}/{{proxy}}"
        call = make_call(
            {"type": "HTTP_PROXY", "uri": uri}, Request.build("GET", "/a/b"), path_parameters={"proxy": "a/b"}
        )
        result = invoke(call, _runtime(runtime, allow_listed_transport(["127.0.0.1"])))
    finally:
        server.shutdown()
        server.server_close()
    assert (result.response.status, result.response.body) == (200, b"path=/a/b")
