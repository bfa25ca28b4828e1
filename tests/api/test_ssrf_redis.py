"""Issue 16, end to end: an anonymous simulation cannot talk to Redis through an HTTP integration.

A private redis-server (tests/livegw/redis_servers.py) listens on a free loopback port. The attack
that once ran ``SET pwned 1`` is sent to ``POST /api/v1/simulations``; Redis must see no new
connection and no key, whatever the definition says.
"""

from __future__ import annotations

import pytest
import redis as redis_client
from django.test import override_settings

from tests.livegw.redis_servers import PrivateRedis

URL = "/api/v1/simulations"


@pytest.fixture(scope="module")
def private_redis():
    server = PrivateRedis()
    yield server
    server.stop()


def _api(uri: str, method: str) -> dict:
    return {
        "resources": [
            {
                "path": "/",
                "resourceMethods": {
                    "GET": {
                        "authorizationType": "NONE",
                        "methodIntegration": {"type": "HTTP", "httpMethod": method, "uri": uri},
                    }
                },
            }
        ]
    }


def _connections(client) -> int:
    return int(client.info("stats")["total_connections_received"])


def _post(api_client, uri: str, method: str = "GET"):
    return api_client.post(URL, data={"api": _api(uri, method), "requests": [{"path": "/"}]}, format="json")


def test_crafted_method_to_redis_is_a_400_and_redis_untouched_issue16(api_client, private_redis):
    """Issue 16: the method that smuggled ``SET pwned 1`` is a 400 field error; Redis gets no connection."""
    client = redis_client.Redis(port=private_redis.port)
    before = _connections(client)
    uri = f"http://127.0.0.1:{private_redis.port}/"
    for method in ("SET pwned 1", "SET pwned 1\r\n", "GET / HTTP/1.0\r\n\r\nSET pwned 1"):
        response = _post(api_client, uri, method)
        assert response.status_code == 400, response.content
        assert "httpMethod" in next(iter(response.json()))
    assert client.get("pwned") is None and client.dbsize() == 0
    assert _connections(client) == before


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.1", "2130706433"])
def test_default_allow_list_blocks_redis_issue16(api_client, private_redis, host):
    """Issue 16: by default no host is allowed: the trace ends in API_CONFIGURATION_ERROR and Redis sees nothing."""
    client = redis_client.Redis(port=private_redis.port)
    before = _connections(client)
    response = _post(api_client, f"http://{host}:{private_redis.port}/")
    assert response.status_code == 200
    result = response.json()["results"][0]
    assert result["status"] == 500
    integration = next(s for s in result["trace"]["steps"] if s["stage"] == "integration")
    assert "allow-list" in str(integration)
    assert client.dbsize() == 0 and _connections(client) == before


def test_redis_url_port_is_blocked_even_when_loopback_is_listed_issue16(api_client, private_redis, settings):
    """Issue 16: never Redis, even if the operator allow-lists 127.0.0.1: REDIS_URL's port is refused."""
    client = redis_client.Redis(port=private_redis.port)
    before = _connections(client)
    gateway_lab = {**settings.GATEWAY_LAB, "HTTP_ALLOWLIST": ("127.0.0.1",)}
    with override_settings(GATEWAY_LAB=gateway_lab, REDIS_URL=private_redis.url):
        response = _post(api_client, f"http://127.0.0.1:{private_redis.port}/", "POST")
    result = response.json()["results"][0]
    assert result["status"] == 500
    assert "never call" in str(result["trace"]["steps"])
    assert client.dbsize() == 0 and _connections(client) == before
