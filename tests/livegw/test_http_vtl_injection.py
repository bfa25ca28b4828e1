"""The SSTI corpus through the live gateway (issue 16): mapping templates stored in an API definition —
as an OpenAPI import or the admin would store them — render inside the VTL sandbox on the server too."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.conftest import AsgiServer
from tests.engine.integrations.test_vtl_sandbox import FORBIDDEN, REACH
from tests.livegw.http_apis import fetch, stored_rest_api

pytestmark = pytest.mark.django_db(transaction=True)


def _mock(template: str) -> dict[str, object]:
    """A MOCK method whose integration response renders ``template`` (§6.4)."""
    return {
        "authorizationType": "NONE",
        "methodIntegration": {
            "type": "MOCK",
            "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "integrationResponses": {
                "200": {"statusCode": "200", "responseTemplates": {"application/json": template}}
            },
        },
    }


def test_live_gateway_renders_every_reach_payload_inert(asgi_server: AsgiServer) -> None:
    """Issue 16: each payload that tries to walk from a value to Python answers as text or a gateway error,
    over real HTTP, never with a Python object, a command's output or the server's secret key."""
    api = stored_rest_api({f"/p{i}": {"GET": _mock(template)} for i, (_, template) in enumerate(REACH)})
    for i, (name, _) in enumerate(REACH):
        status, _, body = fetch(f"{asgi_server.url}/gw/{api}/prod/p{i}")
        text = body.decode("utf-8", "replace")
        assert status in (200, 500), (name, status)
        leaked = [marker for marker in FORBIDDEN if marker in text]
        assert not leaked and settings.SECRET_KEY not in text, (name, leaked, text[:200])
