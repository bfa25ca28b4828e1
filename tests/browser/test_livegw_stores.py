"""Peak shaving with SQS, live (issue 12, §6.4): a burst lands in a lab queue at once over real HTTP, and the
stores page shows its depth falling at the consumer's rate."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from gateway_lab.livegw.models import ApiDefinitionRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BURST = 40


def _queue_api(queue: str) -> str:
    """Store a REST API whose POST /orders sends the body to the lab SQS queue ``queue`` (answers 202)."""
    api_id = "q-" + uuid.uuid4().hex[:8]
    integration = {
        "type": "AWS", "httpMethod": "POST", "uri": f"arn:aws:apigateway:us-east-1:sqs:path/123456789012/{queue}",
        "requestParameters": {"integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"},
        "requestTemplates": {"application/json": "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"},
        "passthroughBehavior": "NEVER",
        "integrationResponses": {"202": {"statusCode": "202", "selectionPattern": ""}},
    }  # fmt: skip
    definition = {
        "id": api_id, "name": api_id, "protocolType": "REST", "region": "us-east-1",
        "endpointConfiguration": {"types": ["REGIONAL"]},
        "resources": [{"path": "/orders", "resourceMethods": {"POST": {"authorizationType": "NONE", "methodIntegration": integration}}}],
    }  # fmt: skip
    ApiDefinitionRecord.objects.create(api_id=api_id, definition=definition, stages=[{"stageName": "prod"}])
    return api_id


@pytest.mark.parametrize("width", [390])
def test_burst_lands_at_once_and_drains_at_the_consumer_rate(page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    queue = "orders-" + uuid.uuid4().hex[:6]
    api = _queue_api(queue)
    page.goto("/gw-stores/")
    statuses = [
        page.request.post(
            f"/gw/{api}/prod/orders", data=f'{{"order": {n}}}', headers={"Content-Type": "application/json"}
        ).status
        for n in range(BURST)
    ]
    assert statuses == [202] * BURST  # every request answered at once: the queue absorbs the burst
    card = page.locator(f"[data-testid=queue][data-queue={queue}]")
    expect(card).to_be_visible(timeout=5000)  # the page's next refresh shows the new queue
    first = int(card.get_attribute("data-depth"))
    assert first >= BURST - 10, first  # the default consumer (5/s) took only a few so far

    # Slow the consumer to 4 messages/s, then watch the page: the depth falls step by step, not at once.
    card.locator("input[name=rate]").fill("4")
    card.get_by_test_id("rate-save").click()
    seen = []
    deadline = time.monotonic() + 4.5
    while time.monotonic() < deadline:
        seen.append(int(page.locator(f"[data-testid=queue][data-queue={queue}]").get_attribute("data-depth")))
        time.sleep(0.25)
    falling = sorted(set(seen), reverse=True)
    assert seen == sorted(seen, reverse=True), seen  # never rises: nothing new arrives
    assert len(falling) >= 3, seen  # several refreshes, each lower
    drained = seen[0] - seen[-1]
    assert 8 <= drained <= 24, seen  # about 4/s over ~4.5 s (with up to a second of page refresh lag)

    # Speed it up: the queue empties and the page says so.
    card = page.locator(f"[data-testid=queue][data-queue={queue}]")
    card.locator("input[name=rate]").fill("100")
    card.get_by_test_id("rate-save").click()
    expect(page.locator(f"[data-testid=queue][data-queue={queue}]")).to_have_attribute(
        "data-depth", "0", timeout=5000
    )
    assert page.locator(f"[data-testid=queue][data-queue={queue}]").get_attribute("data-processed") == str(
        BURST
    )
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
    assert page.watch.foreign_requests == [] and page.watch.console_errors == []
