"""``AWS`` integrations to SQS ``SendMessage``, Kinesis ``PutRecord`` and DynamoDB ``PutItem``/``GetItem``/``Query``.

The request template builds the service call as the AWS docs show (SQS: form-encoded
``Action=SendMessage&MessageBody=$input.body``; Kinesis and DynamoDB: JSON), the call runs against
the lab stores, and the service-shaped answer goes through the integration responses, whose
``selectionPattern`` is matched against the service's HTTP status (§6.4).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from ..messages import Headers
from ..text import Text
from . import integration_response
from .lab_stores import LabServices
from .request_mapping import map_request
from .types import IntegrationCall, IntegrationConfigError, IntegrationError, IntegrationResult, Runtime
from .uri import aws_service_target, substitute_stage_variables

SIMULATED = Text("Simulated: the lab's in-memory store stands in for the AWS service.")


Reply = tuple[int, dict[str, Any]]


def _sqs(services: LabServices, kind: str, target: str, body: str, request_id: str) -> Reply:
    form = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}
    queue_name = target.rsplit("/", 1)[-1] if kind == "path" else form.get("QueueUrl", "").rsplit("/", 1)[-1]
    if (
        form.get("Action", "SendMessage" if kind == "action" else "") != "SendMessage"
        or "MessageBody" not in form
    ):
        return 400, {
            "Error": {
                "Code": "InvalidParameterValue",
                "Message": "Action SendMessage with MessageBody expected",
            }
        }
    sent = services.queue(queue_name).send_message(
        form["MessageBody"], now_ms=services.now_ms(), delay_seconds=int(form.get("DelaySeconds", 0) or 0)
    )
    result = {
        "MD5OfMessageAttributes": None,
        "MD5OfMessageBody": sent["MD5OfMessageBody"],
        "MessageId": sent["MessageId"],
        "SequenceNumber": None,
    }
    return 200, {
        "SendMessageResponse": {"SendMessageResult": result, "ResponseMetadata": {"RequestId": request_id}}
    }


def _kinesis(services: LabServices, action: str, payload: dict[str, Any]) -> Reply:
    if action != "PutRecord":
        raise IntegrationConfigError(f"The lab's Kinesis supports PutRecord, not {action}")
    try:
        return 200, services.stream(payload["StreamName"]).put_record(
            payload["Data"], payload["PartitionKey"], now_ms=services.now_ms()
        )
    except (KeyError, ValueError) as exc:
        return 400, {"__type": "ValidationException", "message": f"Invalid PutRecord request: {exc}"}


def _dynamodb(services: LabServices, action: str, payload: dict[str, Any]) -> Reply:
    operations: dict[str, Callable[[Any], dict[str, Any]]] = {
        "PutItem": lambda t: t.put_item(payload["Item"]),
        "GetItem": lambda t: t.get_item(payload["Key"]),
        "Query": lambda t: t.query(payload["KeyConditionExpression"], payload.get("ExpressionAttributeValues", {}),
                                   payload.get("ExpressionAttributeNames")),
    }  # fmt: skip
    if action not in operations:
        raise IntegrationConfigError(f"The lab's DynamoDB supports PutItem, GetItem and Query, not {action}")
    try:
        return 200, operations[action](services.table(payload["TableName"]))
    except (KeyError, ValueError) as exc:
        return 400, {"__type": "com.amazonaws.dynamodb.v20120810#ValidationException", "message": str(exc)}


def call_service(services: LabServices, uri: str, body: str, *, request_id: str) -> Reply:
    """Run the service call named by ``uri`` with the mapped ``body``; return (status, JSON answer)."""
    service, kind, target = aws_service_target(uri)
    with services.lock:
        if service == "sqs":
            return _sqs(services, kind, target, body, request_id)
        try:
            payload = json.loads(body or "{}")
        except json.JSONDecodeError:
            return 400, {
                "__type": "SerializationException",
                "message": "Start of structure or map found where not expected",
            }
        if service == "kinesis":
            return _kinesis(services, target, payload)
        if service == "dynamodb":
            return _dynamodb(services, target, payload)
    raise IntegrationConfigError(f"The lab has no {service!r} service (SQS, Kinesis and DynamoDB only)")


def invoke_aws_service(call: IntegrationCall, runtime: Runtime) -> IntegrationResult:
    """Map the request, call the lab service, map its answer."""
    latency = 0.0 if runtime.live else runtime.base_latency_ms.get("aws", 0.0)
    detail: dict[str, Any] = {"kind": "aws_service"}
    mapped = map_request(call)
    if isinstance(mapped, IntegrationError):
        return IntegrationResult(response=None, error=mapped, detail=detail, duration_ms=latency)
    body, detail["request_mapping"] = mapped
    uri = substitute_stage_variables(str(call.integration.get("uri", "")), call.stage_variables)
    request_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{call.request_id}/{uri}"))
    status, answer = call_service(runtime.services, uri, body, request_id=request_id)
    detail.update(uri=uri, service_status=status, service_response=answer)
    result = integration_response.apply(
        call,
        responses=call.integration.get("integrationResponses") or {"200": {}},
        selector=str(status),
        body=json.dumps(answer),
        headers=Headers({"Content-Type": "application/x-amz-json-1.0"}),
    )
    if isinstance(result, IntegrationError):
        return IntegrationResult(response=None, error=result, detail=detail, duration_ms=latency)
    response, detail["integration_response"] = result
    return IntegrationResult(
        response=response,
        error=None,
        detail=detail,
        duration_ms=latency,
        fidelity=SIMULATED(),
    )
