"""What a run left in the lab's SQS, Kinesis and DynamoDB stores: the engine's snapshot and the page's panel."""

from __future__ import annotations

import base64
import json

import pytest

from gateway_lab.api import services
from gateway_lab.engine.simulate import simulate
from gateway_lab.visualizer.lab_services import MAX_ROWS, lab_stores


def _sqs_run(**changes):
    preset = services.preset_get(name="sqs-async-decoupling")
    return simulate(
        api=preset["api"], stage=preset.get("stage"), requests=changes.get("requests", preset["requests"])
    )


def test_simulation_services_lists_the_queued_order_bodies():
    """§6.4: each accepted order is a message on the lab queue, its body the request's JSON."""
    preset = services.preset_get(name="sqs-async-decoupling")
    requests = [
        {**preset["requests"][0], "body": json.dumps({"order": n}), "at_ms": n, "count": 1} for n in range(3)
    ]
    simulation = _sqs_run(requests=requests)
    [queue] = simulation.services["queues"].values()
    assert [json.loads(m["Body"]) for m in queue["messages"]] == [{"order": 0}, {"order": 1}, {"order": 2}]


def test_simulation_services_is_empty_when_no_integration_writes():
    """§6.4: a Lambda-only run leaves the lab stores empty."""
    preset = services.preset_get(name="lambda-proxy-echo")
    simulation = simulate(api=preset["api"], stage=preset.get("stage"), requests=preset["requests"])
    assert lab_stores(simulation.services) == []


def test_lab_stores_decodes_kinesis_data():
    """§6.4: Kinesis keeps Data base64-encoded; the panel shows the text."""
    data = base64.b64encode(b'{"click": 1}').decode()
    snapshot = {
        "streams": {"clicks": {"records": [{"SequenceNumber": "1", "PartitionKey": "u1", "Data": data}]}}
    }
    [store] = lab_stores(snapshot)
    assert store.rows == (("1", "u1", '{"click": 1}'),)


def test_lab_stores_shows_a_table_items_key():
    """§6.4: a DynamoDB item is listed under its key, DynamoDB JSON unwrapped."""
    item = {"id": {"S": "42"}, "qty": {"N": "1"}}
    [store] = lab_stores({"tables": {"orders": {"hashKey": "id", "rangeKey": None, "items": [item]}}})
    assert store.rows[0][0] == "id=42"


def test_lab_stores_caps_rows_and_counts_the_rest():
    """§6.4: a 1,000-message burst shows the first rows and says how many more there are."""
    messages = [{"MessageId": str(n), "Body": "{}", "SentTimestamp": 0} for n in range(MAX_ROWS + 7)]
    [store] = lab_stores({"queues": {"q": {"messages": messages}}})
    assert len(store.rows) == MAX_ROWS and store.hidden == 7


@pytest.mark.django_db
def test_page_lab_services_panel_shows_the_queued_orders(client):
    """§6.4: after an sqs-async-decoupling run the page lists the queue's messages and their bodies."""
    html = client.get(
        "/visualizer/?preset=sqs-async-decoupling&body=%7B%22order%22%3A+%22A-17%22%7D"
    ).content.decode()
    assert 'data-testid="lab-services"' in html and 'data-kind="queue"' in html
    assert html.count('data-testid="lab-row"') == 5 and "A-17" in html


@pytest.mark.django_db
def test_page_lab_services_panel_is_absent_when_nothing_was_stored(client):
    """§6.4: a run that writes to no store shows no Lab services panel."""
    assert (
        'data-testid="lab-services"'
        not in client.get("/visualizer/?preset=lambda-proxy-echo").content.decode()
    )
