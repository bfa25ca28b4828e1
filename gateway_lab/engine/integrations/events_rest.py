"""The payload-1.0 event a REST API sends to a Lambda proxy integration (§6.1)."""

from __future__ import annotations

from typing import Any

from .event_parts import (
    domain_prefix,
    encode_body,
    multi_query,
    or_none,
    request_time,
    rest_identity,
    single_query,
)
from .types import IntegrationCall


def binary_types(call: IntegrationCall) -> list[str]:
    """Return the API's ``binaryMediaTypes``, which decide whether the body is base64-encoded (§6.1).

    AWS sets them on the REST API itself (not on an integration); HTTP APIs have none.
    """
    return list(call.binary_media_types)


def rest_event(call: IntegrationCall) -> dict[str, Any]:
    """Return the payload-1.0 event a REST API sends to a Lambda proxy integration (§6.1)."""
    request = call.request
    body, is_base64 = encode_body(request, call.binary_media_types)
    headers, multi_value_headers = request.headers.single_and_multi()
    context: dict[str, Any] = {
        "accountId": call.account_id,
        "apiId": call.api_id,
        "deploymentId": call.deployment_id,
        "domainName": call.domain_name,
        "domainPrefix": domain_prefix(call.domain_name),
        "extendedRequestId": call.extended_request_id,
        "httpMethod": request.method,
        "identity": rest_identity(request, call.identity),
        "path": f"/{call.stage}{request.path}",  # requestContext.path includes the stage; top-level path does not
        "protocol": request.protocol,
        "requestId": call.request_id,
        "requestTime": request_time(call.request_time_ms),
        "requestTimeEpoch": int(call.request_time_ms),
        "resourceId": call.resource_id,
        "resourcePath": call.resource_path,
        "stage": call.stage,
    }
    if call.operation_name:
        context["operationName"] = call.operation_name
    if call.authorizer is not None:
        context["authorizer"] = dict(call.authorizer)
    return {
        "resource": call.resource_path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": multi_value_headers,
        "queryStringParameters": single_query(request.query),
        "multiValueQueryStringParameters": multi_query(request.query),
        "pathParameters": or_none(call.path_parameters),
        "stageVariables": or_none(call.stage_variables),
        "requestContext": context,
        "body": body,
        "isBase64Encoded": is_base64,
    }
