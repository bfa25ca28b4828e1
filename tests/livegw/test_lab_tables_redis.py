"""With REDIS_URL, lab Kinesis streams and DynamoDB tables are shared by every server process (issue 12).

Each ``RedisLabServices`` below stands for one server process: its own Redis connection and its own
in-process dicts, sharing nothing with the other but the Redis server. The calls go through the
engine's AWS-service integration (GATEWAY_FACTS.md §6.4: kinesis PutRecord, dynamodb PutItem /
GetItem / Query), as a live API's integration makes them.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable

import pytest

from gateway_lab.engine import SystemClock
from gateway_lab.engine.integrations.aws_services import call_service
from gateway_lab.livegw import lab_redis
from gateway_lab.livegw.lab_redis import RedisLabServices

pytestmark = [pytest.mark.redis]
Process = Callable[[], RedisLabServices]


@pytest.fixture
def process(redis_url: str) -> Process:
    """Return a factory of lab services on one fresh key prefix: each call is another 'process'."""
    prefix = f"t{uuid.uuid4().hex[:8]}:"
    return lambda: RedisLabServices(clock=SystemClock(), redis_url=redis_url, prefix=prefix)


def _call(
    services: RedisLabServices, service: str, action: str, payload: dict[str, object]
) -> tuple[int, dict]:
    uri = f"arn:aws:apigateway:us-east-1:{service}:action/{action}"
    status, answer = call_service(services, uri, json.dumps(payload), request_id="r-1")
    return status, answer


def test_dynamodb_put_in_one_process_is_found_by_get_and_query_in_another(process: Process) -> None:
    """§6.4: PutItem answered by one process; GetItem and Query in the other find the item."""
    first, second = process(), process()
    item = {"id": {"S": "order-7"}, "total": {"N": "42"}}
    assert _call(first, "dynamodb", "PutItem", {"TableName": "orders", "Item": item}) == (200, {})
    assert _call(second, "dynamodb", "GetItem", {"TableName": "orders", "Key": {"id": {"S": "order-7"}}}) == (
        200,
        {"Item": item},
    )
    status, found = _call(
        second,
        "dynamodb",
        "Query",
        {
            "TableName": "orders",
            "KeyConditionExpression": "id = :id",
            "ExpressionAttributeValues": {":id": {"S": "order-7"}},
        },
    )
    assert (status, found["Items"], found["Count"]) == (200, [item], 1)
    assert second.snapshot()["tables"]["orders"]["items"] == [item]
    assert _call(second, "dynamodb", "GetItem", {"TableName": "orders", "Key": {"id": {"S": "none"}}}) == (
        200,
        {},
    )


def test_dynamodb_item_without_its_key_is_a_validation_error_and_nothing_is_saved(process: Process) -> None:
    """§6.4: an item missing the hash key is refused with DynamoDB's ValidationException."""
    first = process()
    status, answer = _call(first, "dynamodb", "PutItem", {"TableName": "orders", "Item": {"x": {"S": "1"}}})
    assert status == 400 and answer["__type"].endswith("ValidationException")
    assert process().snapshot()["tables"].get("orders", {"items": []})["items"] == []


def test_kinesis_records_from_two_processes_share_one_sequence(process: Process) -> None:
    """§6.4: PutRecord from either process: unique, rising sequence numbers; every record in both views."""
    first, second = process(), process()
    numbers = []
    for n in range(6):
        services = (first, second)[n % 2]
        data = base64.b64encode(f"event {n}".encode()).decode()
        status, answer = _call(services, "kinesis", "PutRecord",
                               {"StreamName": "clicks", "Data": data, "PartitionKey": f"user-{n}"})  # fmt: skip
        assert status == 200 and answer["ShardId"] == "shardId-000000000000"
        numbers.append(int(answer["SequenceNumber"]))
    assert numbers == sorted(numbers) and len(set(numbers)) == 6
    records = first.snapshot()["streams"]["clicks"]["records"]
    assert [r["PartitionKey"] for r in records] == [f"user-{n}" for n in range(6)]
    assert records == second.snapshot()["streams"]["clicks"]["records"]


def test_kinesis_stream_keeps_its_newest_records_only(
    process: Process, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stream in Redis is bounded (MAX_STREAM_RECORDS): the oldest records go, numbering goes on."""
    monkeypatch.setattr(lab_redis, "MAX_STREAM_RECORDS", 3)
    services = process()
    for n in range(5):
        _call(services, "kinesis", "PutRecord", {"StreamName": "s", "Data": "AA==", "PartitionKey": str(n)})
    records = services.snapshot()["streams"]["s"]["records"]
    assert [r["PartitionKey"] for r in records] == ["2", "3", "4"]


def test_kinesis_data_that_is_not_base64_is_refused(process: Process) -> None:
    """§6.4: Kinesis rejects Data that is not base64; nothing is written."""
    services = process()
    status, answer = _call(services, "kinesis", "PutRecord",
                           {"StreamName": "s", "Data": "not base64!", "PartitionKey": "k"})  # fmt: skip
    assert status == 400 and answer["__type"] == "ValidationException"
    assert "s" not in services.snapshot()["streams"]
