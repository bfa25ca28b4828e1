"""AWS service integrations against the lab stores: SQS, Kinesis, DynamoDB (§6.4)."""

from __future__ import annotations

import base64
import hashlib
import json

from gateway_lab.engine.integrations import invoke
from gateway_lab.engine.messages import Request

SQS = {
    "type": "AWS", "httpMethod": "POST",
    "uri": "arn:aws:apigateway:us-east-1:sqs:path/123456789012/orders",
    "requestParameters": {"integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"},
    "requestTemplates": {"application/json": "Action=SendMessage&MessageBody=$input.body"},
    "passthroughBehavior": "NEVER",
}  # fmt: skip


def _dynamo(action: str, template: str) -> dict:
    return {
        "type": "AWS",
        "httpMethod": "POST",
        "uri": f"arn:aws:apigateway:us-east-1:dynamodb:action/{action}",
        "requestTemplates": {"application/json": template},
    }


def test_invoke_sqs_send_message_stores_body_and_answers_like_sqs(make_call, runtime):
    """§6.4: Action=SendMessage&MessageBody=$input.body puts the body on the queue; MD5 matches."""
    result = invoke(make_call(SQS, Request.build("POST", "/orders", body='{"id": 7}')), runtime)
    answer = json.loads(result.response.body)["SendMessageResponse"]["SendMessageResult"]
    stored = runtime.services.snapshot()["queues"]["orders"]["messages"][0]
    assert stored["Body"] == '{"id": 7}' and answer["MessageId"] == stored["MessageId"]
    assert answer["MD5OfMessageBody"] == hashlib.md5(b'{"id": 7}').hexdigest()


def test_invoke_sqs_with_never_passthrough_rejects_text_plain(make_call, runtime):
    """§6.4: the SQS recipe uses passthroughBehavior NEVER: other content types get 415."""
    request = Request.build("POST", "/orders", headers={"Content-Type": "text/plain"}, body="hi")
    assert invoke(make_call(SQS, request), runtime).error.status == 415


def test_invoke_kinesis_put_record_appends_record(make_call, runtime):
    """§6.4: kinesis:action/PutRecord with StreamName, Data, PartitionKey."""
    template = '{"StreamName": "events", "Data": "$util.base64Encode($input.body)", "PartitionKey": "k1"}'
    integration = {
        "type": "AWS",
        "uri": "arn:aws:apigateway:us-east-1:kinesis:action/PutRecord",
        "requestTemplates": {"application/json": template},
    }
    result = invoke(make_call(integration, Request.build("POST", "/e", body="hello")), runtime)
    record = runtime.services.snapshot()["streams"]["events"]["records"][0]
    assert json.loads(result.response.body)["ShardId"] == "shardId-000000000000"
    assert base64.b64decode(record["Data"]) == b"hello" and record["PartitionKey"] == "k1"


def test_invoke_dynamodb_put_then_get_item(make_call, runtime):
    """§6.4: dynamodb:action/PutItem then GetItem returns the stored item."""
    put = _dynamo(
        "PutItem",
        '{"TableName": "pets", "Item": {"id": {"S": "$input.path(\'$.id\')"}, "name": {"S": "Rex"}}}',
    )
    get = _dynamo("GetItem", '{"TableName": "pets", "Key": {"id": {"S": "$input.params(\'id\')"}}}')
    invoke(make_call(put, Request.build("POST", "/pets", body='{"id": "1"}')), runtime)
    result = invoke(make_call(get, path_parameters={"id": "1"}), runtime)
    assert json.loads(result.response.body) == {"Item": {"id": {"S": "1"}, "name": {"S": "Rex"}}}


def test_invoke_dynamodb_query_filters_by_key_condition(make_call, runtime):
    """§6.4: dynamodb:action/Query with KeyConditionExpression on the hash key."""
    table = runtime.services.table("pets")
    for pet_id in ("1", "2"):
        table.put_item({"id": {"S": pet_id}})
    query = _dynamo(
        "Query",
        '{"TableName": "pets", "KeyConditionExpression": "id = :v", '
        '"ExpressionAttributeValues": {":v": {"S": "2"}}}',
    )
    body = json.loads(invoke(make_call(query), runtime).response.body)
    assert (body["Count"], body["Items"]) == (1, [{"id": {"S": "2"}}])


def test_invoke_dynamodb_missing_key_is_service_400(make_call, runtime):
    """§6.4: a service error comes back with the service's status; selectionPattern can map it."""
    put = _dynamo("PutItem", '{"TableName": "pets", "Item": {"name": {"S": "x"}}}')
    put["integrationResponses"] = {"200": {}, "400": {"selectionPattern": "4\\d{2}"}}
    assert invoke(make_call(put), runtime).response.status == 400
