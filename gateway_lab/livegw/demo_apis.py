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


def _rest_method(handler: str, **extra: Any) -> dict[str, Any]:
    integration: dict[str, Any] = {"type": "AWS_PROXY", "httpMethod": "POST", "uri": lambda_uri(handler)}
    integration.update(extra.pop("integration", {}))
    return {"authorizationType": "NONE", "methodIntegration": integration, **extra}


# Lab-only credentials, printed in the README: they reach demo-rest's /iam and /keyed routes only,
# which answer with the echo and hello functions. Your own APIs get keys of their own.
DEMO_REST_IAM_KEY_ID = "AKIALABDEMOREST00001"
DEMO_REST_IAM_SECRET = "lab/demo-rest/secret/not/for/production/01"
DEMO_REST_API_KEY = "demoRestLabKey0123456789"
DEMO_REST_QUOTA = 5  # requests per day on the "free" usage plan (an API-key quota you can spend)

DEMO_REST_API: dict[str, Any] = {
    "id": "demo-rest",
    "name": "Pets (REST)",
    "protocolType": "REST",
    "region": REGION,
    "endpointConfiguration": {"types": ["REGIONAL"]},
    "resources": [
        {"path": "/hello", "resourceMethods": {"GET": _rest_method("gateway_lab.functions.hello.handler")}},
        {"path": "/echo/{proxy+}", "resourceMethods": {"ANY": _rest_method("gateway_lab.functions.echo.handler")}},
        # §4: prod caches GET /cached for 60 s: the echoed requestContext.requestId repeats while the
        # entry lives, though each response's x-amzn-RequestId header is new.
        {"path": "/cached", "resourceMethods": {"GET": _rest_method("gateway_lab.functions.echo.handler")}},
        # §5.1: a 2 s integration timeout; ?delay_ms=3000 makes the function miss it (504).
        {"path": "/slow", "resourceMethods": {"GET": _rest_method(
            "gateway_lab.functions.slow.handler", integration={"timeoutInMillis": 2000})}},
        # §6.3: a proxy response API Gateway cannot use (502 Malformed Lambda proxy response).
        {"path": "/broken", "resourceMethods": {"GET": _rest_method("gateway_lab.functions.broken_response.handler")}},
        # §3.3: an API key on the free plan (5 requests a day).
        {"path": "/keyed", "resourceMethods": {"GET": _rest_method(
            "gateway_lab.functions.hello.handler", apiKeyRequired=True)}},
        # §7.1: SigV4-signed calls only.
        {"path": "/iam", "resourceMethods": {"ANY": {
            **_rest_method("gateway_lab.functions.echo.handler"), "authorizationType": "AWS_IAM"}}},
        # §6.4: POST /orders puts the body on the lab SQS queue "orders" and answers 202 at once; the
        # stores page (/gw-stores/) shows a consumer draining it at a set rate (peak shaving with SQS).
        {"path": "/orders", "resourceMethods": {"POST": {"authorizationType": "NONE", "methodIntegration": {
            "type": "AWS", "httpMethod": "POST", "uri": f"arn:aws:apigateway:{REGION}:sqs:path/{ACCOUNT}/orders",
            "credentials": f"arn:aws:iam::{ACCOUNT}:role/apigw-sqs-send",
            "requestParameters": {"integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"},
            "requestTemplates": {"application/json": "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"},
            "passthroughBehavior": "NEVER",
            "integrationResponses": {"202": {"statusCode": "202", "responseTemplates": {
                "application/json": "{\"queued\": true, \"messageId\": \"$input.path('$.SendMessageResponse.SendMessageResult.MessageId')\"}"}}}}}}},
        # §8: a mock that tells which side of the canary answered (stage variable "version").
        {"path": "/version", "resourceMethods": {"GET": {"authorizationType": "NONE", "methodIntegration": {
            "type": "MOCK", "requestTemplates": {"application/json": "{\"statusCode\": 200}"},
            "integrationResponses": {"200": {"statusCode": "200", "responseTemplates": {
                "application/json": "{\"version\": \"$stageVariables.version\"}"}}}}}}},
    ],
    "apiKeySource": "HEADER",
    "labAccess": {
        "iamUsers": [{
            "userName": "demo-client",
            "accessKeys": [{"accessKeyId": DEMO_REST_IAM_KEY_ID, "secretAccessKey": DEMO_REST_IAM_SECRET}],
            "policy": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "execute-api:Invoke",
                "Resource": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:demo-rest/*/*/iam"}]},
        }],
        "apiKeys": [{"id": "demo-key", "value": DEMO_REST_API_KEY, "name": "demo", "enabled": True}],
        "usagePlans": [{
            "id": "free", "name": "Free",
            "apiStages": [{"apiId": "demo-rest", "stage": "prod"}, {"apiId": "demo-rest", "stage": "dev"}],
            "keys": ["demo-key"], "throttle": {"rateLimit": 10, "burstLimit": 20},
            "quota": {"limit": DEMO_REST_QUOTA, "period": "DAY", "offset": 0},
        }],
    },
}  # fmt: skip
DEMO_REST_STAGES: list[dict[str, Any]] = [
    {"stageName": "prod", "variables": {"version": "v1"},
     "cacheClusterEnabled": True, "cacheClusterSize": "0.5",
     # prod: generous limits (the benchmark runs here); dev: 5 requests/s, burst 10 (the 429 demo).
     # §4: a stage cache caches every GET by default; only GET /cached keeps it here.
     "methodSettings": {"*/*": {"throttlingRateLimit": 5000, "throttlingBurstLimit": 2000, "cachingEnabled": False},
                        "cached/GET": {"cachingEnabled": True, "cacheTtlInSeconds": 60}},
     # §8: 10 % of prod's traffic sees the canary's stage variables (version v2).
     "canarySettings": {"percentTraffic": 10.0, "stageVariableOverrides": {"version": "v2"}, "useStageCache": True}},
    {"stageName": "dev", "variables": {"version": "dev"},
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
