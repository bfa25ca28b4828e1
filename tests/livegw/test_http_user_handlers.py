"""Handlers written for real Lambda run unmodified behind the live gateway, over real HTTP (issue 12, §6.1).

``tests/livegw/handlers`` holds them as their authors would write them: a Powertools
``APIGatewayRestResolver`` app and an ASGI app wrapped with Mangum. The server allows that package
through ``GATEWAY_LAB_FUNCTION_PACKAGES``, the way a user adds their own.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from gateway_lab.livegw.demo_apis import lambda_uri
from gateway_lab.livegw.models import ApiDefinitionRecord
from tests.conftest import AsgiServer
from tests.livegw.http_apis import fetch

pytestmark = pytest.mark.django_db(transaction=True)
PACKAGES = "gateway_lab.functions,tests.livegw.handlers"


@pytest.fixture(scope="module")
def user_server(django_db_setup: None, django_db_blocker: Any) -> Iterator[AsgiServer]:
    with django_db_blocker.unblock():
        server = AsgiServer(env={"GATEWAY_LAB_FUNCTION_PACKAGES": PACKAGES})
    yield server
    server.stop()


def _proxy_api(handler: str, paths: list[str]) -> str:
    """Store a REST API whose resources all go to ``handler`` through a Lambda proxy integration."""
    api_id = "u-" + uuid.uuid4().hex[:10]
    method = {"authorizationType": "NONE", "methodIntegration": {
        "type": "AWS_PROXY", "httpMethod": "POST", "uri": lambda_uri("tests.livegw.handlers." + handler)}}  # fmt: skip
    definition = {
        "id": api_id, "name": api_id, "protocolType": "REST", "region": "us-east-1",
        "endpointConfiguration": {"types": ["REGIONAL"]},
        "resources": [{"path": path, "resourceMethods": {"ANY": method}} for path in paths],
    }  # fmt: skip
    ApiDefinitionRecord.objects.create(api_id=api_id, definition=definition, stages=[{"stageName": "prod"}])
    return api_id


def test_powertools_rest_resolver_routes_and_answers_6_1(user_server: AsgiServer) -> None:
    """§6.1: Powertools reads the REST proxy event (path parameters, stage, JSON body, query) as on AWS."""
    api = _proxy_api("powertools_orders.lambda_handler", ["/orders", "/orders/{order_id}"])
    status, headers, body = fetch(f"{user_server.url}/gw/{api}/prod/orders/1")
    assert status == 200, body
    assert json.loads(body) == {"id": "1", "item": "coffee", "stage": "prod"}
    assert headers["content-type"] == "application/json"
    status, _, body = fetch(
        f"{user_server.url}/gw/{api}/prod/orders?rush=yes",
        method="POST",
        headers={"Content-Type": "application/json"},
        body=b'{"item": "tea"}',
    )
    assert status == 201 and json.loads(body) == {"id": "2", "item": "tea", "query": {"rush": "yes"}}
    status, _, body = fetch(f"{user_server.url}/gw/{api}/prod/orders/9")
    assert status == 404 and json.loads(body)["message"] == "order 9 not found"


def test_mangum_handler_object_is_served_unmodified_over_real_http_6_1(user_server: AsgiServer) -> None:
    """§6.1: ``handler = Mangum(app)`` (a callable object, not a function) runs behind the live gateway
    as on Lambda: the REST proxy event becomes the right ASGI request, its answer a proxy response."""
    api = _proxy_api("mangum_notes.handler", ["/notes/{proxy+}"])
    status, headers, body = fetch(
        f"{user_server.url}/gw/{api}/prod/notes/a/b?x=1",
        method="PUT",
        body=b"hello",
        headers={"Content-Type": "text/plain"},
    )
    assert status == 200, body
    assert headers["x-asgi"] == "mangum"
    assert json.loads(body) == {
        "method": "PUT",
        "path": "/notes/a/b",
        "query": "x=1",
        "body": "hello",
        "stage": "prod",
    }


def test_an_imported_callable_object_is_still_not_a_handler_6_1(user_server: AsgiServer) -> None:
    """Only handlers the module itself defines run: an object it merely imports is refused (a 502 from
    the integration's configuration error, not a call into a library)."""
    api = _proxy_api("mangum_notes.Mangum", ["/notes"])
    status, _, body = fetch(f"{user_server.url}/gw/{api}/prod/notes")
    assert status in (500, 502), body
