"""Lambda results without a JSON round trip when they are plain JSON already (issue 17).

Lambda serialises a function's return value to JSON (what cannot be serialised is a
``Runtime.MarshalError``). For plain data the engine now copies the value instead of encoding and
parsing it; these tests hold it to what the round trip gave, value for value and type for type.
"""

from __future__ import annotations

import json
import uuid
from collections import OrderedDict

import pytest

from gateway_lab.engine.integrations import functions, lambda_invoke
from gateway_lab.engine.integrations.functions import invocation_request_id
from gateway_lab.engine.integrations.lambda_invoke import _marshal

PLAIN = [
    {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": '{"a": "é\\n"}'},
    [1, 2.5, -0.0, 1e308, 2**70, True, False, None, "x\u2028y"],
    {"nested": [{"deep": [[[]]], "nan": float("nan"), "inf": float("inf")}]},
    "just a string",
    0,
    None,
]
NOT_PLAIN = [
    (1, 2),  # a tuple becomes a list
    {1: "int key"},  # a non-string key becomes a string
    OrderedDict(a=1),
    {"set": {1, 2}},  # not serialisable: Runtime.MarshalError
    {"bytes": b"x"},
]


def _round_trip(value: object) -> object:
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("value", PLAIN + NOT_PLAIN[:3])
def test_marshal_gives_what_the_json_round_trip_gave(value: object) -> None:
    output, error = _marshal(value)
    assert error is None
    assert repr(output) == repr(_round_trip(value))  # same values, same types, same key order


@pytest.mark.parametrize("value", PLAIN[:3])
def test_marshal_copies_so_the_handlers_object_is_not_shared(value: object) -> None:
    output, _ = _marshal(value)
    assert output is not value


@pytest.mark.parametrize("value", NOT_PLAIN[3:])
def test_what_json_cannot_encode_is_still_a_marshal_error(value: object) -> None:
    output, error = _marshal(value)
    assert output is None and error is not None and error["errorType"] == "Runtime.MarshalError"


def test_deep_results_still_go_through_json() -> None:
    value: list = []
    for _ in range(lambda_invoke._PLAIN_DEPTH + 5):
        value = [value]
    assert _marshal(value)[0] == _round_trip(value)


def test_aws_request_id_is_still_uuid5_of_request_and_function() -> None:
    for name in ("abc/echo", "", "中文/函数", "x" * 500):
        assert invocation_request_id(name) == str(uuid.uuid5(functions.REQUEST_ID_NAMESPACE, name))


def test_aws_request_id_worked_out_when_read_is_the_same() -> None:
    """The invocation's context computes its request id on first read: the same uuid5 as before."""
    context = functions.LambdaContext.for_invocation("abc-123/echo", "echo", "arn", "/aws/lambda/echo", None)  # type: ignore[arg-type]
    assert context._aws_request_id is None  # nothing worked out until a handler asks
    assert context.aws_request_id == str(uuid.uuid5(functions.REQUEST_ID_NAMESPACE, "abc-123/echo"))
    assert context.aws_request_id is context.aws_request_id  # then kept
    given = functions.LambdaContext(aws_request_id="r", function_name="f", invoked_function_arn="a")
    assert given.aws_request_id == "r" and given.log_stream_name == context.log_stream_name
