"""Request validation (REST, §5.2, §6.4): required parameters and JSON Schema body models."""

from __future__ import annotations

from .builders import make_pipeline, rest_api, send

VALIDATORS = [{"id": "all", "name": "all", "validateRequestBody": True, "validateRequestParameters": True}]
MODELS = [
    {
        "name": "Pet",
        "contentType": "application/json",
        "schema": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
    }
]


def _pipeline():  # type: ignore[no-untyped-def]
    method = {
        "requestValidatorId": "all",
        "requestParameters": {"method.request.querystring.q1": True, "method.request.header.h1": True},
        "requestModels": {"application/json": "Pet"},
    }
    return make_pipeline(rest_api({"/pets": {"POST": method}}, requestValidators=VALIDATORS, models=MODELS))


def test_validation_missing_parameters_message() -> None:
    """§5.2: 400 {"message": "Missing required request parameters: [q1, h1]"}."""
    trace = send(_pipeline(), "POST", "/pets", body='{"name": "rex"}')
    assert trace.response.status == 400
    assert trace.response.body == b'{"message": "Missing required request parameters: [q1, h1]"}'
    assert trace.response.headers["x-amzn-ErrorType"] == "BadRequestException"


def test_validation_invalid_body_message() -> None:
    """§5.2: a body failing its model gets 400 {"message": "Invalid request body"}."""
    trace = send(_pipeline(), "POST", "/pets", query="q1=a", headers={"h1": "b"}, body='{"age": 3}')
    assert trace.response.body == b'{"message": "Invalid request body"}'


def test_validation_valid_request_reaches_integration() -> None:
    """§6.4: a valid request passes validation."""
    trace = send(_pipeline(), "POST", "/pets", query="q1=a", headers={"h1": "b"}, body='{"name": "rex"}')
    assert trace.response.status == 200


def test_validation_skipped_without_validator() -> None:
    """§6.4: without a requestValidatorId nothing is checked."""
    api = rest_api({"/pets": {"POST": {"requestParameters": {"method.request.querystring.q1": True}}}})
    assert send(make_pipeline(api), "POST", "/pets").response.status == 200
