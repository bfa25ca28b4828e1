"""The demo APIs ``seed_demo`` creates, with the ids DESIGN.md fixes: demo-rest, demo-http, demo-ws.

Plain AWS-style JSON (no Django), so engine tests, the seed command and the live gateway share it.
"""

from __future__ import annotations

from typing import Any

REGION = "us-east-1"
ACCOUNT = "123456789012"


def lambda_uri(handler: str) -> str:
    """Return an AWS-shaped Lambda integration URI whose function name is the lab handler path."""
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{handler}"
    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function}/invocations"


def _ws_route(route_key: str, handler: str, *, two_way: bool = False) -> dict[str, Any]:
    route: dict[str, Any] = {
        "routeKey": route_key,
        "authorizationType": "NONE",
        "integration": {"type": "AWS_PROXY", "uri": lambda_uri(handler)},
    }
    if two_way:
        route["routeResponseSelectionExpression"] = "$default"  # §9: route responses only with $default
    return route


DEMO_WS_API: dict[str, Any] = {
    "id": "demo-ws",
    "name": "Chat and ticker (WebSocket)",
    "protocolType": "WEBSOCKET",
    "region": REGION,
    "routeSelectionExpression": "$request.body.action",
    "routes": [
        _ws_route("$connect", "gateway_lab.functions.websocket.chat.on_connect"),
        _ws_route("$disconnect", "gateway_lab.functions.websocket.chat.on_disconnect"),
        _ws_route("$default", "gateway_lab.functions.websocket.ticker.default", two_way=True),
        _ws_route("sendmessage", "gateway_lab.functions.websocket.chat.send_message"),
        _ws_route("subscribe", "gateway_lab.functions.websocket.ticker.subscribe", two_way=True),
        _ws_route("unsubscribe", "gateway_lab.functions.websocket.ticker.unsubscribe", two_way=True),
        _ws_route("whoami", "gateway_lab.functions.websocket.ticker.whoami", two_way=True),
    ],
}
DEMO_WS_STAGES: list[dict[str, Any]] = [{"stageName": "prod", "variables": {}}]

DEMO_REST_API: dict[str, Any] = {
    "id": "demo-rest",
    "name": "Pets (REST)",
    "protocolType": "REST",
    "region": REGION,
    "endpointConfiguration": {"types": ["REGIONAL"]},
    "resources": [
        {"path": "/hello", "resourceMethods": {"GET": {"authorizationType": "NONE", "methodIntegration": {
            "type": "AWS_PROXY", "httpMethod": "POST", "uri": lambda_uri("gateway_lab.functions.hello.handler")}}}},
        {"path": "/echo/{proxy+}", "resourceMethods": {"ANY": {"authorizationType": "NONE", "methodIntegration": {
            "type": "AWS_PROXY", "httpMethod": "POST", "uri": lambda_uri("gateway_lab.functions.echo.handler")}}}},
    ],
}  # fmt: skip
DEMO_REST_STAGES: list[dict[str, Any]] = [
    {"stageName": "prod", "variables": {},
     "methodSettings": {"*/*": {"throttlingRateLimit": 100, "throttlingBurstLimit": 50}}},
    {"stageName": "dev", "variables": {},
     "methodSettings": {"*/*": {"throttlingRateLimit": 5, "throttlingBurstLimit": 10}}},
]  # fmt: skip

DEMO_HTTP_API: dict[str, Any] = {
    "id": "demo-http",
    "name": "Pets (HTTP API)",
    "protocolType": "HTTP",
    "region": REGION,
    "routes": [
        {"routeKey": "GET /hello", "integration": {"type": "AWS_PROXY", "payloadFormatVersion": "2.0",
                                                  "uri": lambda_uri("gateway_lab.functions.hello.handler")}},
        {"routeKey": "$default", "integration": {"type": "AWS_PROXY", "payloadFormatVersion": "2.0",
                                                "uri": lambda_uri("gateway_lab.functions.echo.handler")}},
    ],
}  # fmt: skip
DEMO_HTTP_STAGES: list[dict[str, Any]] = [{"stageName": "$default", "variables": {}}]

DEMO_APIS: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {
    "demo-rest": (DEMO_REST_API, DEMO_REST_STAGES),
    "demo-http": (DEMO_HTTP_API, DEMO_HTTP_STAGES),
    "demo-ws": (DEMO_WS_API, DEMO_WS_STAGES),
}
