"""Access control on a WebSocket API's $connect: API keys and Lambda REQUEST authorizers (§1.1, §7.2, §9)."""

from __future__ import annotations

from typing import Any

from gateway_lab.engine.clock import VirtualClock
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.engine.messages import Request
from gateway_lab.engine.model_load import deploy, load_stage
from gateway_lab.engine.state import MemoryStore
from gateway_lab.engine.websocket import EventOutcome, WebSocketGateway

from .pipelines import pipeline

KEY = "ws-key-0123456789abcdefXYZ"
ACCESS = {
    "apiKeys": [{"id": "k1", "value": KEY}],
    "usagePlans": [{"id": "p1", "apiStages": [{"apiId": "wsapi", "stage": "prod"}], "keys": ["k1"]}],
}


def _uri(handler: str) -> str:
    """Return the Lambda integration URI of a built-in handler (its dotted path is the function name)."""
    function = f"arn:aws:lambda:us-east-1:123456789012:function:{handler}"
    return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function}/invocations"


WS_AUTHORIZER = _uri("gateway_lab.functions.websocket.authorizer.handler")
ALLOW_LIST = _uri("gateway_lab.functions.authorizers.allow_list.handler")


def _api(connect: dict[str, Any], **extra: Any) -> dict[str, Any]:
    mock = {"type": "MOCK", "requestTemplates": {"$default": '{"statusCode": 200}'}}
    return {
        "id": "wsapi",
        "protocolType": "WEBSOCKET",
        "region": "us-east-1",
        "routeSelectionExpression": "$request.body.action",
        "routes": [{"routeKey": "$connect", "integration": mock, **connect}, {"routeKey": "$default", "integration": mock}],
        **extra,
    }  # fmt: skip


def _authorized_api(identity: str, uri: str = WS_AUTHORIZER) -> dict[str, Any]:
    authorizer = {
        "id": "wsauth",
        "name": "wsauth",
        "type": "REQUEST",
        "authorizerUri": uri,
        "identitySource": identity,
    }
    return _api({"authorizationType": "CUSTOM", "authorizerId": "wsauth"}, authorizers=[authorizer])  # fmt: skip


def _connect(api: dict[str, Any], path: str = "/", headers: dict[str, str] | None = None) -> EventOutcome:
    clock = VirtualClock()
    deployment = deploy(api)
    gateway = WebSocketGateway(
        deployment=deployment,
        stage=load_stage({"stageName": "prod"}, deployment.api),
        store=MemoryStore(clock),
        clock=clock,
        runtime=IntegrationRuntime.default(clock=clock),
    )
    return gateway.connect(Request.build("GET", path, headers=headers), connection_id="Aa1=")


def test_websocket_connect_api_key_required_refuses_without_key() -> None:
    """§1.1: apiKeyRequired on $connect refuses a client without a key: 403 Forbidden, no connection."""
    outcome = _connect(_api({"apiKeyRequired": True}, labAccess=ACCESS))
    assert (outcome.accepted, outcome.status) == (False, 403)


def test_websocket_connect_api_key_required_refuses_unknown_key() -> None:
    """§1.1, §3.3: a key that is not a known key is refused with 403."""
    outcome = _connect(_api({"apiKeyRequired": True}, labAccess=ACCESS), headers={"x-api-key": "nope"})
    assert (outcome.accepted, outcome.status, outcome.trace.step("api_key").outcome) == (False, 403, "reject")


def test_websocket_connect_api_key_required_accepts_valid_key() -> None:
    """§1.1, §3.3: a valid key in a usage plan for this stage opens the connection."""
    outcome = _connect(_api({"apiKeyRequired": True}, labAccess=ACCESS), headers={"x-api-key": KEY})
    assert (outcome.accepted, outcome.trace.step("api_key").outcome) == (True, "pass")


def test_websocket_connect_api_key_not_required_skips() -> None:
    """§1.1: without apiKeyRequired the $connect route needs no key."""
    outcome = _connect(_api({}, labAccess=ACCESS))
    assert (outcome.accepted, outcome.trace.step("api_key").outcome) == (True, "skip")


def test_websocket_connect_api_key_from_authorizer_selection_expression() -> None:
    """§1.1: apiKeySelectionExpression $context.authorizer.usageIdentifierKey ignores the x-api-key header."""
    api = _api(
        {"apiKeyRequired": True},
        labAccess=ACCESS,
        apiKeySelectionExpression="$context.authorizer.usageIdentifierKey",
    )
    outcome = _connect(api, headers={"x-api-key": KEY})
    assert (outcome.accepted, outcome.status) == (False, 403)


def test_websocket_connect_authorizer_header_source_accepts() -> None:
    """§7.2, §9: identity source route.request.header.Auth reaches the authorizer; 'allow' connects."""
    outcome = _connect(_authorized_api("route.request.header.Auth"), headers={"Auth": "allow"})
    assert (outcome.accepted, outcome.trace.step("auth").outcome) == (True, "pass")


def test_websocket_connect_authorizer_querystring_source_accepts() -> None:
    """§7.2, §9: identity source route.request.querystring.token reads the upgrade's query string."""
    outcome = _connect(_authorized_api("route.request.querystring.token"), path="/?token=allow")
    assert outcome.accepted


def test_websocket_connect_authorizer_missing_identity_is_401() -> None:
    """§7.2, §9: a missing identity source refuses with 401 without invoking the function."""
    outcome = _connect(_authorized_api("route.request.header.Auth"))
    assert (outcome.accepted, outcome.status) == (False, 401)
    assert "event" not in outcome.trace.step("auth").detail


def test_websocket_connect_authorizer_deny_is_403() -> None:
    """§7.2, §9: an explicit Deny policy refuses the connection with 403."""
    outcome = _connect(_authorized_api("route.request.header.Auth"), headers={"Auth": "deny"})
    assert (outcome.accepted, outcome.status) == (False, 403)


def test_websocket_connect_authorizer_method_arn_is_route_arn() -> None:
    """§7.1, §9: a WebSocket route's ARN ends in the route key, with no HTTP method."""
    outcome = _connect(_authorized_api("route.request.header.Auth"), headers={"Auth": "allow"})
    expected = "arn:aws:execute-api:us-east-1:123456789012:wsapi/prod/$connect"
    assert outcome.trace.step("auth").detail["event"]["methodArn"] == expected


def test_websocket_connect_authorizer_event_is_request_type_with_headers() -> None:
    """§9: the WebSocket authorizer event is REQUEST-type with the upgrade's headers and $connect context."""
    outcome = _connect(_authorized_api("route.request.header.Auth"), headers={"Auth": "allow"})
    event = outcome.trace.step("auth").detail["event"]
    assert (event["type"], event["headers"]["Auth"], event["requestContext"]["routeKey"]) == (
        "REQUEST",
        "allow",
        "$connect",
    )


def test_websocket_connect_allow_list_authorizer_refuses_unlisted_client() -> None:
    """§7.2, §9: the built-in allow_list REQUEST authorizer refuses a client id it does not list (403)."""
    outcome = _connect(
        _authorized_api("route.request.header.x-client-id", ALLOW_LIST), headers={"x-client-id": "x"}
    )
    assert (outcome.accepted, outcome.status) == (False, 403)


def test_http_api_route_skips_api_key() -> None:
    """§1.1: HTTP APIs have no API keys: apiKeyRequired on a route is not checked."""
    echo = {"type": "AWS_PROXY", "uri": _uri("gateway_lab.functions.echo.handler")}
    http_api = {
        "id": "httpapi",
        "protocolType": "HTTP",
        "region": "us-east-1",
        "routes": [{"routeKey": "GET /x", "apiKeyRequired": True, "integration": echo}],
    }
    trace = pipeline(http_api)[0].run(Request.build("GET", "/x"))
    assert (trace.step("api_key").outcome, trace.response.status) == ("skip", 200)
