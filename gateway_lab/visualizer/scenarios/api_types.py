"""Convert a scenario's API between REST and HTTP the way a learner would rebuild it in the console.

Only the configuration changes shape; features one type lacks are dropped, never emulated.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from .model import Scenario

REST_ONLY_KEYS = (
    "resources",
    "policy",
    "requestValidators",
    "models",
    "gatewayResponses",
    "apiKeySource",
    "binaryMediaTypes",
)


def to_http(scenario: Scenario) -> Scenario:
    """Return the same API as an HTTP API: each REST method becomes a route; REST-only features go."""
    api = {k: copy.deepcopy(v) for k, v in scenario.api.items() if k not in REST_ONLY_KEYS}
    routes = []
    for resource in scenario.api.get("resources") or []:
        for verb, method in (resource.get("resourceMethods") or {}).items():
            integration = copy.deepcopy(dict(method.get("methodIntegration") or {}))
            if integration.get("type") == "AWS_PROXY":
                integration["payloadFormatVersion"] = "2.0"
            integration.pop("cacheKeyParameters", None)
            routes.append(
                {
                    "routeKey": f"{verb} {resource['path']}",
                    "authorizationType": "NONE",
                    "integration": integration,
                }
            )
    api.update(protocolType="HTTP", routes=routes, endpointConfiguration={"types": ["REGIONAL"]})
    throttle = (scenario.stage.get("methodSettings") or {}).get("*/*") or {}
    stage: dict[str, Any] = {"stageName": "$default"}
    limits = {k: throttle[k] for k in ("throttlingRateLimit", "throttlingBurstLimit") if k in throttle}
    if limits:
        stage["defaultRouteSettings"] = limits
    return replace(scenario, api=api, stage=stage, canary_api=None)


def to_rest(scenario: Scenario) -> Scenario:
    """Return the same API as a REST API: routes grouped into resources, ``$default`` as ``/{proxy+}``."""
    api = {
        k: copy.deepcopy(v)
        for k, v in scenario.api.items()
        if k not in ("routes", "routeSelectionExpression")
    }
    resources: dict[str, dict[str, Any]] = {}
    for route in scenario.api.get("routes") or []:
        verb, _sep, path = str(route.get("routeKey", "$default")).partition(" ")
        verb, path = ("ANY", "/{proxy+}") if not path else (verb, path)
        integration = {
            k: v for k, v in dict(route.get("integration") or {}).items() if k != "payloadFormatVersion"
        }
        integration.setdefault("httpMethod", "POST")
        resources.setdefault(path, {"path": path, "resourceMethods": {}})["resourceMethods"][verb] = {
            "authorizationType": "NONE",
            "methodIntegration": integration,
        }
    api.update(
        protocolType="REST", resources=list(resources.values()), endpointConfiguration={"types": ["REGIONAL"]}
    )
    limits = dict(scenario.stage.get("defaultRouteSettings") or {})
    stage: dict[str, Any] = {"stageName": "prod"}
    if limits:
        stage["methodSettings"] = {"*/*": limits}
    return replace(scenario, api=api, stage=stage, canary_api=None)
