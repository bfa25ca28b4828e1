"""API definitions, deployments and stages, in AWS's own JSON field names (GATEWAY_FACTS.md §1, §3, §4, §8).

What a learner edits here is what they would type in AWS. ``model_load.load_api`` and
``model_load.load_stage`` turn JSON into these frozen objects and refuse invalid input with a
``ConfigError`` listing ``(field_path, message)`` pairs. One full example::

    api = {
      "id": "demo-rest", "name": "Pets", "protocolType": "REST",      # REST | HTTP | WEBSOCKET
      "region": "us-east-1",
      "endpointConfiguration": {"types": ["EDGE"]},                    # EDGE | REGIONAL | PRIVATE
      "binaryMediaTypes": [], "apiKeySource": "HEADER",
      "policy": null,                                                  # resource policy (IAM JSON)
      "authorizers": [],                                               # AWS Authorizer JSON
      "models": [{"name": "Pet", "contentType": "application/json",
                  "schema": {"type": "object", "required": ["name"]}}],
      "requestValidators": [{"id": "all", "name": "all",
                             "validateRequestBody": true, "validateRequestParameters": true}],
      "gatewayResponses": [{"responseType": "THROTTLED", "statusCode": "429",
                            "responseParameters": {"gatewayresponse.header.Retry-After": "'1'"},
                            "responseTemplates": {"application/json": "{\\"error\\":$context.error.messageString}"}}],
      "resources": [                                                   # REST only
        {"path": "/pets/{id}", "resourceMethods": {"GET": {
            "authorizationType": "NONE", "apiKeyRequired": false,
            "requestParameters": {"method.request.querystring.verbose": false},
            "requestValidatorId": "all", "requestModels": {},
            "methodIntegration": {"type": "AWS_PROXY", "httpMethod": "POST",
                                  "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:echo/invocations",
                                  "cacheKeyParameters": ["method.request.path.id"]}}}}
      ],
      "routes": [                                                      # HTTP and WEBSOCKET only
        {"routeKey": "GET /pets/{id}", "authorizationType": "NONE",
         "integration": {"type": "AWS_PROXY", "payloadFormatVersion": "2.0", "uri": "..."}}
      ],
      "routeSelectionExpression": "$request.body.action"               # WEBSOCKET only
    }
    stage = {
      "stageName": "prod", "variables": {"lambdaAlias": "live"},
      "cacheClusterEnabled": true, "cacheClusterSize": "0.5",
      "methodSettings": {"*/*": {"throttlingRateLimit": 100, "throttlingBurstLimit": 50,
                                 "cachingEnabled": true, "cacheTtlInSeconds": 300,
                                 "requireAuthorizationForCacheControl": true,
                                 "unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER"}},
      "canarySettings": {"percentTraffic": 10.0, "deploymentId": "abc123",
                         "stageVariableOverrides": {"lambdaAlias": "canary"}, "useStageCache": false},
      "defaultRouteSettings": {"throttlingRateLimit": 10, "throttlingBurstLimit": 5},   # HTTP / WEBSOCKET
      "routeSettings": {"GET /pets": {"throttlingRateLimit": 1, "throttlingBurstLimit": 1}}
    }

Integrations, authorizers, models and the policy stay AWS JSON (frozen): the integrations package and
the access-control stages read them as AWS documents them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ConfigError(ValueError):
    """Invalid API or stage JSON; ``errors`` lists ``(field_path, message)`` for 400 field errors."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors))


class ApiType(StrEnum):
    REST = "REST"
    HTTP = "HTTP"
    WEBSOCKET = "WEBSOCKET"


class EndpointType(StrEnum):
    EDGE = "EDGE"
    REGIONAL = "REGIONAL"
    PRIVATE = "PRIVATE"


class FrozenDict(dict):  # type: ignore[type-arg]
    """A dict that refuses changes, so snapshots stay JSON-serialisable and immutable."""

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("deployed API definitions are immutable; change the definition and redeploy")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = __ior__ = _refuse  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(json.dumps(self, sort_keys=True, default=str))

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict:
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))


def freeze(value: Any) -> Any:
    """Return a deep, immutable copy of JSON data (dicts → FrozenDict, lists → tuples)."""
    if isinstance(value, Mapping):
        return FrozenDict({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Return a plain mutable JSON copy of frozen data."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Method:
    """A REST method, or an HTTP/WebSocket route's settings (same fields, AWS names in comments)."""

    http_method: str  # "GET", "ANY"; for routes the method part of the route key
    authorization_type: str = "NONE"  # authorizationType
    authorizer_id: str | None = None  # authorizerId
    authorization_scopes: tuple[str, ...] = ()  # authorizationScopes
    api_key_required: bool = False  # apiKeyRequired
    request_parameters: Mapping[str, bool] = field(default_factory=FrozenDict)  # requestParameters
    request_validator_id: str | None = None  # requestValidatorId
    request_models: Mapping[str, str] = field(default_factory=FrozenDict)  # requestModels
    integration: Mapping[str, Any] = field(default_factory=FrozenDict)  # methodIntegration / integration
    raw: Mapping[str, Any] = field(default_factory=FrozenDict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """A REST resource (``/pets/{id}``) or an HTTP/WebSocket route path with its methods."""

    id: str
    path: str
    methods: Mapping[str, Method]


@dataclass(frozen=True, slots=True, kw_only=True)
class Api:
    """An API definition (what you edit); deploy it to freeze a snapshot."""

    id: str
    name: str
    api_type: ApiType
    region: str
    endpoint_type: EndpointType
    resources: tuple[Resource, ...] = ()  # REST resources, or HTTP/WS routes grouped by path
    default_route: Method | None = None  # HTTP/WS "$default"
    special_routes: Mapping[str, Method] = field(default_factory=FrozenDict)  # WS $connect/$disconnect/...
    route_selection_expression: str = "$request.body.action"
    models: Mapping[str, Mapping[str, Any]] = field(default_factory=FrozenDict)  # name → model JSON
    request_validators: Mapping[str, Mapping[str, Any]] = field(default_factory=FrozenDict)
    gateway_responses: Mapping[str, Mapping[str, Any]] = field(default_factory=FrozenDict)
    authorizers: tuple[Mapping[str, Any], ...] = ()
    policy: Mapping[str, Any] | None = None
    binary_media_types: tuple[str, ...] = ()
    api_key_source: str = "HEADER"
    raw: Mapping[str, Any] = field(default_factory=FrozenDict)  # the frozen JSON it was loaded from


@dataclass(frozen=True, slots=True, kw_only=True)
class Deployment:
    """An immutable snapshot of an API (§8): edits to the definition change nothing until redeployed."""

    id: str
    api: Api
    description: str = ""
    # What the engine derives from this snapshot on first use, by owner module (``"access"``:
    # ``engine.access.directory``). Per instance, so it goes with the snapshot and nothing is keyed
    # by ``id()``; not part of equality (what it holds pickles as empty, see ``DeploymentAccess``).
    derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)


def content_id(data: Any) -> str:
    """Return a stable 6-character id (AWS ids look like ``a1b2c3``) derived from JSON content."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return digest[:6]


@dataclass(frozen=True, slots=True, kw_only=True)
class ThrottleSetting:
    rate: float  # throttlingRateLimit: tokens refilled per second
    burst: int  # throttlingBurstLimit: bucket capacity


@dataclass(frozen=True, slots=True, kw_only=True)
class CacheSetting:
    enabled: bool
    ttl_s: int = 300
    require_authorization: bool = True  # requireAuthorizationForCacheControl
    unauthorized_strategy: str = "SUCCEED_WITH_RESPONSE_HEADER"  # unauthorizedCacheControlHeaderStrategy
    data_encrypted: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class MethodSetting:
    """One ``methodSettings`` entry (REST) or route setting (HTTP/WS); ``None`` = not set here."""

    throttle: ThrottleSetting | None = None
    caching_enabled: bool | None = None
    cache_ttl_s: int | None = None
    require_authorization: bool | None = None
    unauthorized_strategy: str | None = None
    data_encrypted: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CanarySettings:
    percent_traffic: float  # percentTraffic 0–100
    deployment_id: str  # deploymentId
    stage_variable_overrides: Mapping[str, str] = field(default_factory=FrozenDict)
    use_stage_cache: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Stage:
    """A stage: settings that take effect without redeploying (§8)."""

    name: str  # stageName
    deployment_id: str = ""
    variables: Mapping[str, str] = field(default_factory=FrozenDict)
    method_settings: Mapping[str, MethodSetting] = field(default_factory=FrozenDict)  # "res/METHOD", "*/*"
    cache_cluster_enabled: bool = False
    cache_cluster_size: str = "0.5"
    canary: CanarySettings | None = None
    default_route_settings: MethodSetting | None = None  # HTTP/WS defaultRouteSettings
    route_settings: Mapping[str, MethodSetting] = field(default_factory=FrozenDict)
    raw: Mapping[str, Any] = field(default_factory=FrozenDict)

    def setting_for(self, key: str) -> tuple[str, MethodSetting | None]:
        """Return ``(level, setting)`` for a REST ``"/pets/GET"`` or route ``"GET /pets"`` key."""
        if key in self.method_settings:
            return "method", self.method_settings[key]
        if key in self.route_settings:
            return "route", self.route_settings[key]
        if "*/*" in self.method_settings:
            return "stage", self.method_settings["*/*"]
        return "stage", self.default_route_settings
