"""The events, ids and encodings a real Lambda sees, checked against AWS's recorded events (issue 18).

Each row names the GATEWAY_FACTS.md section it follows. Recorded events used as the reference: AWS's
REST proxy events (§6.1), the HTTP API payload-2.0 events (§6.2), the WebSocket send-message and
disconnect events (aws-lambda-go testdata, §9) and the REQUEST authorizer events (§7.2, §7.3).
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest

from gateway_lab.engine.access import authorizers
from gateway_lab.engine.integrations.events import rest_event
from gateway_lab.engine.integrations.types import IntegrationCall
from gateway_lab.engine.messages import Client, Request
from gateway_lab.engine.trace import StageName, Trace
from tests.engine.builders import http_api, lambda_integration, make_pipeline, rest_api, send

# A 1×1 PNG: not valid UTF-8, so only base64 carries it through JSON intact.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
SHORT_ID = re.compile(r"^[A-Za-z0-9+/]{15}=$")  # "R1knPH17NjMFftw=": 11 bytes, base64


def _event(trace: Trace) -> dict[str, Any]:
    return trace.step(StageName.INTEGRATION).detail["event"]


def _binary_api(types: list[str], function: str = "mirror") -> dict[str, Any]:
    return rest_api(
        {"/upload": {"POST": {"methodIntegration": lambda_integration(function)}}}, binaryMediaTypes=types
    )


# -- §6.1 / §6.3: binaryMediaTypes on the REST API ----------------------------------------------


def test_binary_media_types_on_the_api_round_trip_an_image_byte_identical() -> None:
    """§6.1, §6.3: with binaryMediaTypes ["image/png"] on the API, a PNG reaches Lambda base64-encoded
    (isBase64Encoded true) and a base64 proxy response comes back to the client as the same bytes."""
    trace = send(
        make_pipeline(_binary_api(["image/png"])),
        "POST",
        "/upload",
        headers={"Content-Type": "image/png", "Accept": "image/png"},
        body=PNG,
    )
    event = _event(trace)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == PNG
    assert trace.response.status == 200
    assert trace.response.body == PNG


@pytest.mark.parametrize(
    ("types", "encoded"),
    [
        (["application/octet-stream"], True),  # exact type
        (["application/*"], True),  # wildcard subtype
        (["*/*"], True),  # AWS's recommended catch-all
        (["image/png"], False),  # another type: text travels as text
        ([], False),  # none set
    ],
)
def test_binary_media_types_decide_the_request_encoding(types: list[str], encoded: bool) -> None:
    """§6.1: a UTF-8 body is base64-encoded for Lambda only when its Content-Type matches the API's types."""
    trace = send(
        make_pipeline(_binary_api(types, "echo")),
        "POST",
        "/upload",
        headers={"Content-Type": "application/octet-stream"},
        body=b"plain bytes",
    )
    event = _event(trace)
    assert event["isBase64Encoded"] is encoded
    assert event["body"] == (base64.b64encode(b"plain bytes").decode() if encoded else "plain bytes")


def test_binary_media_types_inside_an_integration_have_no_effect() -> None:
    """§6.1: AWS has no binaryMediaTypes key on an integration; only the API's setting counts."""
    api = rest_api(
        {
            "/upload": {
                "POST": {"methodIntegration": lambda_integration("echo", binaryMediaTypes=["text/plain"])}
            }
        }
    )
    trace = send(make_pipeline(api), "POST", "/upload", headers={"Content-Type": "text/plain"}, body=b"hi")
    assert _event(trace)["isBase64Encoded"] is False


@pytest.mark.parametrize(
    ("types", "accept", "decoded"),
    [
        (["image/png"], "image/png", True),  # Accept matches
        (["image/png"], "text/html", True),  # the reply's Content-Type (image/png) matches
        (["image/gif"], "text/html", False),  # neither matches: the client gets base64 text
        ([], "image/png", False),  # no binaryMediaTypes at all
    ],
)
def test_base64_proxy_response_is_decoded_only_for_a_binary_media_type(
    types: list[str], accept: str, decoded: bool
) -> None:
    """§6.3: a proxy response with isBase64Encoded true is decoded to bytes only when its Content-Type or
    the client's Accept matches the API's binaryMediaTypes; otherwise the base64 text is returned as is."""
    trace = send(
        make_pipeline(_binary_api(types)),
        "POST",
        "/upload",
        headers={"Content-Type": "image/png", "Accept": accept},
        body=PNG,
    )
    assert trace.response.body == (PNG if decoded else base64.b64encode(PNG))


# -- §6.2: HTTP API ids and the raw query string -------------------------------------------------


def test_http_api_request_id_is_the_apigw_requestid_header() -> None:
    """§6.2: an HTTP API event's requestContext.requestId is the 16-character id of apigw-requestid."""
    trace = send(make_pipeline(http_api({"GET /items": {}})), "GET", "/items")
    request_id = _event(trace)["requestContext"]["requestId"]
    assert SHORT_ID.match(request_id), request_id
    assert trace.response.headers["apigw-requestid"] == request_id
    assert trace.request_id == request_id


def test_rest_api_request_id_stays_a_uuid_beside_the_short_extended_id() -> None:
    """§6.1: REST events carry a UUID requestId and the short extendedRequestId (x-amz-apigw-id)."""
    trace = send(
        make_pipeline(rest_api({"/pets": {"GET": {"methodIntegration": lambda_integration()}}})),
        "GET",
        "/pets",
    )
    context = _event(trace)["requestContext"]
    assert re.match(
        r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", context["requestId"]
    )
    assert SHORT_ID.match(context["extendedRequestId"])
    assert trace.response.headers["x-amzn-RequestId"] == context["requestId"]
    assert trace.response.headers["x-amz-apigw-id"] == context["extendedRequestId"]


@pytest.mark.parametrize("query", ["q=a%20b&flag", "a=1&a=2&b=%2B", "x=%E4%B8%AD&y"])
def test_http_api_raw_query_string_is_passed_as_sent(query: str) -> None:
    """§6.2: rawQueryString is the client's query string, not a re-encoding of the parsed pairs."""
    trace = send(make_pipeline(http_api({"GET /items": {}})), "GET", f"/items?{query}")
    assert _event(trace)["rawQueryString"] == query


# -- §7.2, §7.3: REQUEST authorizer events -------------------------------------------------------


def _call(*, path_parameters: dict[str, str], headers: dict[str, str]) -> IntegrationCall:
    request = Request.build(
        "GET", "/request", query="q=1", headers=headers, client=Client(source_ip="198.51.100.7")
    )
    return IntegrationCall(
        api_type="REST", api_id="abc123", stage="test", region="us-east-1",
        domain_name="abc123.execute-api.us-east-1.amazonaws.com", integration={}, request=request,
        resource_path="/request", path_parameters=path_parameters, request_id="r", request_time_ms=1.7e12,
    )  # fmt: skip


def test_rest_request_authorizer_event_path_parameters_empty_object() -> None:
    """§7.2: a route without path parameters gives pathParameters {} in the REQUEST authorizer event
    (the proxy event has null there)."""
    call = _call(path_parameters={}, headers={"HeaderAuth1": "v"})
    assert rest_event(call)["pathParameters"] is None
    assert authorizers.rest_request_event(rest_event(call), arn="arn")["pathParameters"] == {}


@pytest.mark.parametrize(
    ("headers", "api_key"), [({"x-api-key": "k-123"}, "k-123"), ({"X-API-Key": "K"}, "K"), ({}, None)]
)
def test_rest_request_authorizer_event_carries_the_api_key(
    headers: dict[str, str], api_key: str | None
) -> None:
    """§7.2: requestContext.identity.apiKey is present when the client sent x-api-key, absent otherwise."""
    event = authorizers.rest_request_event(rest_event(_call(path_parameters={}, headers=headers)), arn="arn")
    assert event["requestContext"]["identity"].get("apiKey") == api_key


# -- §9: WebSocket ids, $disconnect headers and unroutable messages -----------------------------


def _ws_gateway(routes: list[dict[str, Any]] | None = None):  # type: ignore[no-untyped-def]
    from tests.engine.websocket.gateways import make_gateway

    if routes is None:
        return make_gateway()
    api = {"id": "fid-ws", "protocolType": "WEBSOCKET", "region": "us-east-1",
           "routeSelectionExpression": "$request.body.action", "routes": routes}  # fmt: skip
    return make_gateway(api)


def _integration_event(outcome) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return next(s for s in outcome.trace.steps if s.stage == StageName.INTEGRATION).detail["event"]


def test_websocket_message_ids_have_the_recorded_form() -> None:
    """§9: a MESSAGE event's requestId equals extendedRequestId, and requestId and messageId are 16 characters."""
    gateway = _ws_gateway()
    assert gateway.connect(
        Request.build("GET", "/", headers={"User-Agent": "t"}), connection_id="Aa1="
    ).accepted
    context = _integration_event(gateway.message("Aa1=", json.dumps({"action": "sendmessage", "data": "x"})))[
        "requestContext"
    ]
    assert context["requestId"] == context["extendedRequestId"]
    assert SHORT_ID.match(context["requestId"]) and SHORT_ID.match(context["messageId"]), context


def test_websocket_disconnect_event_carries_the_recorded_headers() -> None:
    """§9: $disconnect carries Host and empty x-api-key, X-Forwarded-For and x-restapi headers, not {}."""
    gateway = _ws_gateway()
    assert gateway.connect(
        Request.build("GET", "/", headers={"User-Agent": "t"}), connection_id="Aa1="
    ).accepted
    event = _integration_event(gateway.disconnect("Aa1="))
    host = event["requestContext"]["domainName"]
    assert event["headers"] == {"Host": host, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""}
    assert event["multiValueHeaders"] == {k: [v] for k, v in event["headers"].items()}


def test_websocket_unroutable_message_answers_with_empty_ids() -> None:
    """§9: with no matching route and no $default, API Gateway answers Forbidden with empty
    connectionId and requestId."""
    mock = {"type": "MOCK", "requestTemplates": {"$default": '{"statusCode": 200}'}}
    gateway = _ws_gateway([{"routeKey": "hello", "integration": mock}])
    assert gateway.connect(Request.build("GET", "/"), connection_id="Aa1=").accepted
    outcome = gateway.message("Aa1=", json.dumps({"action": "nope"}))
    assert json.loads(outcome.reply or b"{}") == {"message": "Forbidden", "connectionId": "", "requestId": ""}


# -- Mutual TLS (§1.1: REST and HTTP APIs; §6.1 identity.clientCert, §6.2 authentication.clientCert) ----

TRUSTED = "CN=Gateway Lab Root CA,O=Gateway Lab"
GOOD_CERT = {"subjectDN": "CN=client.example.org", "issuerDN": TRUSTED, "serialNumber": "0a:1b"}


def _mtls(api: dict[str, Any]) -> dict[str, Any]:
    return {**api, "mutualTlsAuthentication": {"truststore": [TRUSTED]}}


def test_mtls_trusted_certificate_reaches_rest_lambda_as_identity_client_cert() -> None:
    """§6.1: with mutual TLS, a REST event carries requestContext.identity.clientCert."""
    api = _mtls(rest_api({"/pets": {"GET": {"methodIntegration": lambda_integration()}}}))
    trace = send(make_pipeline(api), "GET", "/pets", client=Client(cert=GOOD_CERT))
    cert = _event(trace)["requestContext"]["identity"]["clientCert"]
    assert trace.response.status == 200
    assert (cert["subjectDN"], cert["issuerDN"], cert["serialNumber"]) == (
        "CN=client.example.org",
        TRUSTED,
        "0a:1b",
    )
    assert set(cert) == {"clientCertPem", "subjectDN", "issuerDN", "serialNumber", "validity"}
    assert set(cert["validity"]) == {"notBefore", "notAfter"}


def test_mtls_trusted_certificate_reaches_http_lambda_as_authentication_client_cert() -> None:
    """§6.2: an HTTP API payload-2.0 event carries requestContext.authentication.clientCert."""
    trace = send(
        make_pipeline(_mtls(http_api({"GET /items": {}}))), "GET", "/items", client=Client(cert=GOOD_CERT)
    )
    assert _event(trace)["requestContext"]["authentication"]["clientCert"]["issuerDN"] == TRUSTED


@pytest.mark.parametrize(
    ("cert", "log"),
    [
        (None, "Access denied. Reason: Could not find issuer for certificate"),
        (
            {"subjectDN": "CN=c", "issuerDN": "CN=Other CA"},
            "Access denied. Reason: Could not find issuer for certificate",
        ),
        ({"subjectDN": "CN=me", "issuerDN": "CN=me"}, "Access denied. Reason: self signed certificate"),
        (
            {**GOOD_CERT, "signatureAlgorithm": "SHA1withRSA"},
            "Access denied. Reason: Client cert using an insecure Signature Algorithm",
        ),
    ],
)
def test_mtls_bad_certificate_is_refused_with_403(cert: dict[str, str] | None, log: str) -> None:
    """§6.1 (mutual TLS): an untrusted, self-signed or weakly signed certificate gets 403 Forbidden before
    any other stage runs, and the step names AWS's execution-log reason verbatim."""
    api = _mtls(rest_api({"/pets": {"GET": {"methodIntegration": lambda_integration()}}}))
    trace = send(make_pipeline(api), "GET", "/pets", client=Client(cert=cert))
    assert trace.response.status == 403
    assert json.loads(trace.response.body) == {"message": "Forbidden"}
    assert [s.stage for s in trace.steps] == [StageName.ENDPOINT, StageName.RESPONSE]
    assert log in trace.steps[0].reason


def test_mtls_not_configured_ignores_certificates() -> None:
    """§6.1: without a truststore the request passes and the event has no clientCert."""
    api = rest_api({"/pets": {"GET": {"methodIntegration": lambda_integration()}}})
    trace = send(make_pipeline(api), "GET", "/pets", client=Client(cert=GOOD_CERT))
    assert trace.response.status == 200
    assert "clientCert" not in _event(trace)["requestContext"]["identity"]


def test_rest_event_carries_the_methods_operation_name() -> None:
    """§6.1: a REST method's operationName appears in requestContext.operationName; none → absent."""
    api = rest_api(
        {
            "/pets": {"GET": {"methodIntegration": lambda_integration(), "operationName": "ListPets"}},
            "/toys": {"GET": {"methodIntegration": lambda_integration()}},
        }
    )
    pipeline = make_pipeline(api)
    assert _event(send(pipeline, "GET", "/pets"))["requestContext"]["operationName"] == "ListPets"
    assert "operationName" not in _event(send(pipeline, "GET", "/toys"))["requestContext"]
