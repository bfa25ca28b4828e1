"""§8: a canary takes its share of live traffic (in-process against the gateway's ASGI app: fast)."""

from __future__ import annotations

from collections import Counter

import pytest

from gateway_lab.livegw import http_app
from tests.livegw.asgi_call import call
from tests.livegw.http_apis import stored_rest_api

pytestmark = pytest.mark.django_db(transaction=True)

VERSION_MOCK = {
    "GET": {
        "authorizationType": "NONE",
        "methodIntegration": {
            "type": "MOCK",
            "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "integrationResponses": {
                "200": {
                    "statusCode": "200",
                    "responseTemplates": {"application/json": '{"version": "$stageVariables.version"}'},
                }
            },
        },
    }
}


async def test_canary_share_within_three_points_over_2000_requests() -> None:
    """§8: percentTraffic 20 sends 20 % ± 3 points of 2,000 requests to the canary (its stage variables)."""
    from asgiref.sync import sync_to_async

    api = await sync_to_async(stored_rest_api)(
        {"/version": VERSION_MOCK},
        stage={
            "variables": {"version": "v1"},
            "canarySettings": {"percentTraffic": 20.0, "stageVariableOverrides": {"version": "v2"}},
        },
    )
    seen: Counter[str] = Counter()
    for _ in range(2000):
        answer = await call(http_app.application, "GET", f"/gw/{api}/prod/version")
        assert answer.status == 200, answer.text()
        seen[answer.text()] += 1
    assert set(seen) == {'{"version": "v1"}', '{"version": "v2"}'}
    share = seen['{"version": "v2"}'] / 2000
    assert 0.17 <= share <= 0.23, seen
