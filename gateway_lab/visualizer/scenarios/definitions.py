"""Build the API/stage JSON a visualizer scenario runs: from a preset, from the builder, or as a compare variant.

This writes configuration the way a learner would type it into AWS; it decides nothing about how
the gateway behaves. A configuration AWS would refuse (a MOCK integration on an HTTP API, a cache
on an HTTP API) is handed to the engine as is, and the engine's ``ConfigError`` is what the page shows.
Switching an API between REST and HTTP lives in ``api_types``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from gateway_lab.engine import load_preset

from .api_types import to_http, to_rest
from .authorization import with_authorization
from .model import LiveApi, Scenario, api_type

LAMBDA_URI = (
    "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:{region}:123456789012:function:{name}/invocations"
)
FUNCTIONS = ("echo", "hello", "slow", "flaky", "broken-response")
MOCK_INTEGRATION = {
    "type": "MOCK",
    "requestTemplates": {"application/json": '{"statusCode": 200}'},
    "integrationResponses": {
        "200": {
            "statusCode": "200",
            "responseTemplates": {"application/json": '{"message": "Hello from a mock"}'},
        }
    },
}


def integration_json(kind: str, *, api_type: str, region: str) -> dict[str, Any]:
    """Return the AWS JSON of a builder integration choice (a built-in function or a mock)."""
    if kind == "mock":
        return copy.deepcopy(MOCK_INTEGRATION)
    integration = {
        "type": "AWS_PROXY",
        "httpMethod": "POST",
        "uri": LAMBDA_URI.format(region=region, name=kind),
    }
    if api_type == "HTTP":
        integration["payloadFormatVersion"] = "2.0"
    return integration


def builder_scenario(*, integration: str = "echo", region: str = "us-east-1") -> Scenario:
    """Return the default hand-built scenario: a REST API with one greedy resource behind an integration."""
    api = {
        "id": "lab-api",
        "name": "Lab API",
        "protocolType": "REST",
        "region": region,
        "endpointConfiguration": {"types": ["REGIONAL"]},
        "resources": [
            {
                "path": "/{proxy+}",
                "resourceMethods": {
                    "ANY": {
                        "authorizationType": "NONE",
                        "methodIntegration": integration_json(integration, api_type="REST", region=region),
                    }
                },
            }
        ],
    }
    return Scenario(api=api, stage={"stageName": "prod"}, requests=[{"method": "GET", "path": "/orders"}])


@lru_cache(maxsize=64)
def preset(name: str) -> Mapping[str, Any]:
    """Return preset ``name`` as the engine ships it (``PresetNotFound``, a LookupError, if none).

    Presets ship with the code: read once per process. Callers copy before changing anything.
    """
    return load_preset(name)


def preset_api_type(name: str) -> str:
    """Return the API type of preset ``name``."""
    return api_type(preset(name)["api"])


def preset_scenario(name: str) -> Scenario:
    """Return a preset's scenario (raises LookupError when there is no such preset)."""
    preset_json = copy.deepcopy(dict(preset(name)))
    return Scenario(
        api=dict(preset_json["api"]),
        stage=dict(preset_json.get("stage") or {}),
        requests=list(preset_json.get("requests") or [{"method": "GET", "path": "/"}]),
        canary_api=preset_json.get("canary_api"),
        preset=preset_json,
    )


def live_scenario(live: LiveApi) -> Scenario:
    """Return the scenario of a live gateway API's stage: its definition, one GET of the stage's root."""
    return Scenario(
        api=json.loads(live.definition_json),
        stage=json.loads(live.stage_json),
        requests=[{"method": "GET", "path": "/"}],
        canary_api=json.loads(live.canary_json) if live.canary_json else None,
        live=live,
    )


def with_overrides(scenario: Scenario, overrides: Mapping[str, Any]) -> Scenario:
    """Apply builder fields (api_type, endpoint, integration, auth, rate/burst, cache/ttl) to a scenario."""
    result = scenario
    if "api_type" in overrides and overrides["api_type"] != result.api_type:
        result = to_http(result) if overrides["api_type"] == "HTTP" else to_rest(result)
    api, stage = copy.deepcopy(result.api), copy.deepcopy(result.stage)
    if "endpoint" in overrides:
        api["endpointConfiguration"] = {"types": [overrides["endpoint"]]}
    if "integration" in overrides:
        _set_integrations(api, overrides["integration"])
    if "rate" in overrides or "burst" in overrides:
        _set_throttle(api, stage, rate=overrides.get("rate"), burst=overrides.get("burst"))
    if "cache" in overrides or "ttl" in overrides:
        _set_cache(stage, enabled=overrides.get("cache"), ttl=overrides.get("ttl"))
    if "auth" in overrides:
        api = with_authorization(api, stage, overrides["auth"])
    return replace(result, api=api, stage=stage, changes=result.changes + tuple(sorted(overrides)))


def _set_integrations(api: dict[str, Any], kind: str) -> None:
    region = str(api.get("region", "us-east-1"))
    for resource in api.get("resources") or []:
        for method in (resource.get("resourceMethods") or {}).values():
            method["methodIntegration"] = integration_json(kind, api_type="REST", region=region)
    for route in api.get("routes") or []:
        route["integration"] = integration_json(kind, api_type=api_type(api), region=region)


def _set_throttle(
    api: dict[str, Any], stage: dict[str, Any], *, rate: float | None, burst: int | None
) -> None:
    if api_type(api) == "REST":
        settings = stage.setdefault("methodSettings", {}).setdefault("*/*", {})
    else:
        settings = stage.setdefault("defaultRouteSettings", {})
    if rate is not None:
        settings["throttlingRateLimit"] = rate
    if burst is not None:
        settings["throttlingBurstLimit"] = burst


def _set_cache(stage: dict[str, Any], *, enabled: bool | None, ttl: int | None) -> None:
    settings = stage.setdefault("methodSettings", {}).setdefault("*/*", {})
    if enabled is not None:
        stage["cacheClusterEnabled"] = enabled
        settings["cachingEnabled"] = enabled
    if ttl is not None:
        settings["cacheTtlInSeconds"] = ttl


COMPARISONS: dict[str, Callable[[Scenario], dict[str, Any]]] = {
    "api_type": lambda s: {"api_type": "HTTP" if s.api_type == "REST" else "REST"},
    "cache": lambda s: {"cache": not bool(s.stage.get("cacheClusterEnabled")), "ttl": 300},
    "endpoint": lambda s: {"endpoint": "REGIONAL" if _endpoint(s) == "EDGE" else "EDGE"},
}


def _endpoint(scenario: Scenario) -> str:
    types = (scenario.api.get("endpointConfiguration") or {}).get("types") or ["EDGE"]
    return str(types[0])


def compare_variant(scenario: Scenario, kind: str) -> Scenario:
    """Return the other configuration of a side-by-side comparison (REST↔HTTP, cache on↔off, edge↔regional)."""
    return with_overrides(scenario, COMPARISONS[kind](scenario))


def variant_scenario(scenario: Scenario, kind: str) -> Scenario:
    """Return the other side of comparison ``kind``: the preset's own ``compare`` API, or a switched setting.

    ``preset`` on a preset without a ``compare`` API compares the other API type.
    """
    other = (scenario.preset or {}).get("compare")
    if kind == "preset" and other:
        return Scenario(
            api=copy.deepcopy(dict(other["api"])),
            stage=copy.deepcopy(dict(other.get("stage") or {})),
            requests=scenario.requests,
            preset=scenario.preset,
        )
    return compare_variant(scenario, "api_type" if kind == "preset" else kind)
