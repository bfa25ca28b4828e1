"""WebSocket API definitions with access control on $connect, shared by the consumer and server tests."""

from __future__ import annotations

from typing import Any

from gateway_lab.livegw.demo_apis import lambda_uri

API_KEY = "live-ws-key-0123456789abcdef"
_ECHO = {"type": "AWS_PROXY", "uri": lambda_uri("gateway_lab.functions.echo.handler")}


def _api(api_id: str, connect: dict[str, Any], **extra: Any) -> dict[str, Any]:
    routes = [
        {"routeKey": "$connect", "integration": _ECHO, **connect},
        {"routeKey": "$default", "integration": _ECHO, "routeResponseSelectionExpression": "$default"},
    ]
    return {"id": api_id, "protocolType": "WEBSOCKET", "region": "us-east-1", "routes": routes, **extra}


def keyed_api(api_id: str) -> dict[str, Any]:
    """A WebSocket API whose $connect route requires an API key (x-api-key header, §1.1)."""
    plan = {"id": "p1", "apiStages": [{"apiId": api_id, "stage": "prod"}], "keys": ["k1"]}
    access = {"apiKeys": [{"id": "k1", "value": API_KEY}], "usagePlans": [plan]}
    return _api(api_id, {"apiKeyRequired": True}, labAccess=access)


def authorized_api(api_id: str) -> dict[str, Any]:
    """A WebSocket API whose $connect route has a Lambda REQUEST authorizer on ?token= (§7.2, §9)."""
    authorizer = {
        "id": "wsauth",
        "type": "REQUEST",
        "authorizerUri": lambda_uri("gateway_lab.functions.websocket.authorizer.handler"),
        "identitySource": "route.request.querystring.token",
    }
    return _api(api_id, {"authorizationType": "CUSTOM", "authorizerId": "wsauth"}, authorizers=[authorizer])
