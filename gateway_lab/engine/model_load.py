"""Load API and stage JSON (AWS field names) into frozen model objects, refusing what AWS refuses.

Definitions are bounded as AWS bounds them (§10: 300 resources or routes, 10 authorizers per API)
plus a few lab bounds on what the engine walks per request (segments and parameters per path,
integration responses, templates), so one definition cannot cost a worker unbounded CPU. An
integration's HTTP method must be a method API Gateway knows, spelled as an RFC 7230 token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .model import (
    Api,
    ApiType,
    CanarySettings,
    ConfigError,
    Deployment,
    EndpointType,
    FrozenDict,
    Method,
    MethodSetting,
    Resource,
    Stage,
    ThrottleSetting,
    content_id,
    freeze,
)
from .text import Text

INTEGRATION_TYPES = ("AWS_PROXY", "AWS", "HTTP", "HTTP_PROXY", "MOCK")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY")
CACHE_CLUSTER_SIZES = ("0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237")  # §4
UNAUTHORIZED_STRATEGIES = ("FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER", "SUCCEED_WITHOUT_RESPONSE_HEADER")
MAX_CACHE_TTL_S = 3600  # §4
WS_SPECIAL_ROUTES = ("$connect", "$disconnect", "$default")
_STAGE_VAR_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")  # §8
# §10 (DG:limits): resources per REST API, routes per HTTP API, authorizers per API.
MAX_RESOURCES = 300
MAX_ROUTES = 300
MAX_AUTHORIZERS = 10
# Lab bounds (AWS documents none smaller; these keep routing and loading cheap).
MAX_PATH_SEGMENTS = 32
MAX_PATH_PARAMS = 16
MAX_PATH_CHARS = 2048
MAX_INTEGRATION_RESPONSES = 50
MAX_MODELS = 100
MAX_GATEWAY_RESPONSES = 50
MAX_STAGE_VARIABLES = 100
MAX_METHOD_SETTINGS = 600
MAX_ERRORS = 50  # one 400 lists at most this many field errors
METHOD_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}\Z")  # RFC 7230 §3.1.1
INTEGRATION_METHOD_FIELDS = ("httpMethod", "integrationHttpMethod", "integrationMethod")
# Refusals a front end translates (ConfigError carries the English; the id is the same text).
REST_NO_JWT = Text("REST APIs have no JWT authorizer; use a Cognito user pool authorizer.").id
HTTP_NO_COGNITO = Text(
    "HTTP APIs have no Cognito user pool authorizer; use a JWT authorizer with the pool as its issuer."
).id


class _Errors:
    """Collects (field_path, message) pairs so one ConfigError reports every problem.

    ``prefix`` names the document (``"stage."``), so a 400 says which of api/stage is wrong.
    """

    def __init__(self, prefix: str = "") -> None:
        self.items: list[tuple[str, str]] = []
        self.prefix = prefix

    def add(self, path: str, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append((self.prefix + path, message))
        elif len(self.items) == MAX_ERRORS:
            self.items.append((self.prefix.rstrip(".") or "api", "more errors not listed"))

    def raise_if_any(self) -> None:
        if self.items:
            raise ConfigError(self.items)


def _check_mutual_tls(config: Any, api_type: ApiType, errors: _Errors) -> None:
    """Mutual TLS: REST and HTTP APIs only (§1.1), with a truststore of issuer names."""
    if config is None:
        return
    where = "mutualTlsAuthentication"
    if api_type == ApiType.WEBSOCKET:
        errors.add(where, "WebSocket APIs do not support mutual TLS (§1.1)")
    elif not isinstance(config, Mapping):
        errors.add(where, "must be an object with a 'truststore' list")
    else:
        store = config.get("truststore")
        if (
            not isinstance(store, list | tuple)
            or not store
            or not all(isinstance(dn, str) and dn for dn in store)
        ):
            errors.add(f"{where}.truststore", "must be a non-empty list of issuer names (e.g. 'CN=My CA')")
        elif len(store) > 100:
            errors.add(f"{where}.truststore", "at most 100 issuers")


def deploy(api_json: Mapping[str, Any], *, deployment_id: str | None = None) -> Deployment:
    """Load and freeze ``api_json`` as a deployment (§8); the id derives from its content unless given.

    Raises ``ConfigError`` naming each bad field: every validity rule of a definition lives here,
    so the API, the visualizer and the live gateway refuse the same definitions with the same 400.
    """
    api = load_api(api_json)
    return Deployment(id=deployment_id or content_id(api.raw), api=api)


def api_type_of(definition: Mapping[str, Any]) -> ApiType:
    """Return a definition's ``protocolType`` as the loader reads it: REST when absent (§1.1).

    Raises ``ConfigError`` for a type API Gateway does not have, with the loader's message.
    """
    errors = _Errors()
    api_type: ApiType = _enum(definition, "protocolType", ApiType, ApiType.REST, errors)
    errors.raise_if_any()
    return api_type


def load_api(data: Mapping[str, Any]) -> Api:
    """Return the frozen ``Api`` for AWS-style JSON, or raise ``ConfigError`` naming each bad field."""
    if not isinstance(data, Mapping):
        raise ConfigError([("api", "must be a JSON object")])
    try:
        return _load_api(data)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError([("api", f"malformed definition: {exc!r}")]) from exc


def _load_api(data: Mapping[str, Any]) -> Api:
    errors = _Errors()
    raw = freeze(data)
    api_type = _enum(raw, "protocolType", ApiType, ApiType.REST, errors)
    default_endpoint = EndpointType.EDGE if api_type == ApiType.REST else EndpointType.REGIONAL
    types = (raw.get("endpointConfiguration") or {}).get("types") or (default_endpoint,)
    endpoint = _enum(
        {"t": types[0]}, "t", EndpointType, default_endpoint, errors, "endpointConfiguration.types"
    )
    if api_type != ApiType.REST and endpoint != EndpointType.REGIONAL:
        errors.add("endpointConfiguration.types", f"{api_type} APIs support only REGIONAL endpoints (§1.1)")
    _check_sizes(raw, api_type, errors)
    _check_mutual_tls(raw.get("mutualTlsAuthentication"), api_type, errors)
    errors.raise_if_any()
    api_kwargs: dict[str, Any] = {}
    if api_type == ApiType.REST:
        api_kwargs["resources"] = _rest_resources(raw.get("resources") or (), errors)
        if raw.get("routes"):
            errors.add("routes", "REST APIs define resources, not routes")
    else:
        api_kwargs.update(_routes(raw, api_type, errors))
        for field_name in ("gatewayResponses", "requestValidators", "policy"):
            if raw.get(field_name) and api_type == ApiType.HTTP:
                errors.add(field_name, f"HTTP APIs have no {field_name} (§1.1)")
    errors.raise_if_any()
    return Api(
        id=str(raw.get("id") or content_id(raw)[:10]),
        name=str(raw.get("name", "")),
        api_type=api_type,
        region=str(raw.get("region", "us-east-1")),
        endpoint_type=endpoint,
        models=FrozenDict({m["name"]: m for m in raw.get("models") or ()}),
        request_validators=FrozenDict(
            {v.get("id", v.get("name")): v for v in raw.get("requestValidators") or ()}
        ),
        gateway_responses=FrozenDict({g["responseType"]: g for g in raw.get("gatewayResponses") or ()}),
        authorizers=tuple(raw.get("authorizers") or ()),
        policy=raw.get("policy"),
        binary_media_types=tuple(raw.get("binaryMediaTypes") or ()),
        api_key_source=str(raw.get("apiKeySource", "HEADER")),
        route_selection_expression=str(raw.get("routeSelectionExpression", "$request.body.action")),
        raw=raw,
        **api_kwargs,
    )


def _check_sizes(raw: Mapping[str, Any], api_type: ApiType, errors: _Errors) -> None:
    """Refuse definitions larger than AWS allows (§10) or than the lab walks per request."""
    for field_name, limit in (
        ("resources", MAX_RESOURCES),
        ("routes", MAX_ROUTES),
        ("integrations", MAX_ROUTES),
        ("authorizers", MAX_AUTHORIZERS),
        ("models", MAX_MODELS),
        ("gatewayResponses", MAX_GATEWAY_RESPONSES),
        ("requestValidators", MAX_MODELS),
    ):
        items = raw.get(field_name) or ()
        if not isinstance(items, list | tuple):
            errors.add(field_name, "must be a list")
        elif len(items) > limit:
            errors.add(field_name, f"at most {limit} per API (§10); got {len(items)}")
    for i, authorizer in enumerate(raw.get("authorizers") or ()):
        kind = str(_get(authorizer, "type") or _get(authorizer, "authorizerType") or "").upper()
        if kind == "JWT" and api_type == ApiType.REST:
            errors.add(f"authorizers[{i}].type", REST_NO_JWT)
        if kind == "COGNITO_USER_POOLS" and api_type == ApiType.HTTP:
            errors.add(f"authorizers[{i}].type", HTTP_NO_COGNITO)


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, Mapping) else None


def _check_path(path: str, where: str, errors: _Errors) -> None:
    parts = [p for p in path.split("/") if p]
    if len(path) > MAX_PATH_CHARS or len(parts) > MAX_PATH_SEGMENTS:
        errors.add(where, f"at most {MAX_PATH_SEGMENTS} segments and {MAX_PATH_CHARS} characters per path")
    params = sum(1 for p in parts if p.startswith("{") and p.endswith("}"))
    if params > MAX_PATH_PARAMS:
        errors.add(where, f"at most {MAX_PATH_PARAMS} path parameters per path; got {params}")


def _check_integration(integration: Mapping[str, Any], kind: str, path: str, errors: _Errors) -> None:
    """The integration's method must be a token API Gateway knows (HTTP integrations: a real method)."""
    for name in INTEGRATION_METHOD_FIELDS:
        value = integration.get(name)
        if value is None:
            continue
        text = str(value)
        if not METHOD_TOKEN.match(text) or text.upper() not in HTTP_METHODS:
            errors.add(f"{path}.{name}", f"must be one of {', '.join(HTTP_METHODS)}; got {text[:40]!r}")
    responses = integration.get("integrationResponses") or {}
    if isinstance(responses, Mapping) and len(responses) > MAX_INTEGRATION_RESPONSES:
        errors.add(
            f"{path}.integrationResponses", f"at most {MAX_INTEGRATION_RESPONSES} integration responses"
        )


def _enum(raw: Mapping[str, Any], key: str, enum: Any, default: Any, errors: _Errors, path: str = "") -> Any:
    value = raw.get(key, default)
    try:
        return enum(str(value).upper())
    except ValueError:
        errors.add(path or key, f"must be one of {', '.join(enum)}; got {value!r}")
        return default


def _method(raw: Mapping[str, Any], http_method: str, integration: Any, path: str, errors: _Errors) -> Method:
    integration = integration or FrozenDict()
    kind = str(integration.get("type", "")).upper()
    if kind not in INTEGRATION_TYPES:
        errors.add(
            f"{path}.type", f"unknown integration type {kind or '(none)'}; use {', '.join(INTEGRATION_TYPES)}"
        )
    _check_integration(integration, kind, path, errors)
    return Method(
        http_method=http_method,
        authorization_type=str(raw.get("authorizationType", "NONE")),
        authorizer_id=raw.get("authorizerId"),
        authorization_scopes=tuple(raw.get("authorizationScopes") or ()),
        api_key_required=bool(raw.get("apiKeyRequired", False)),
        request_parameters=raw.get("requestParameters") or FrozenDict(),
        request_validator_id=raw.get("requestValidatorId"),
        request_models=raw.get("requestModels") or FrozenDict(),
        integration=integration,
        raw=raw,
    )


def _rest_resources(items: Any, errors: _Errors) -> tuple[Resource, ...]:
    resources: list[Resource] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = f"resources[{i}]"
        path = "/" + str(item.get("path", "/")).strip("/")
        if path in seen:
            errors.add(f"{where}.path", f"Another resource already has the path {path}")
        seen.add(path)
        _check_path(path, f"{where}.path", errors)
        if "{proxy+}" in path and not path.endswith("{proxy+}") or path.count("+}") > 1:
            errors.add(
                f"{where}.path", "Cannot create a child of a resource with a greedy path variable (§10)"
            )
        methods = {}
        for verb, spec in (item.get("resourceMethods") or {}).items():
            verb = verb.upper()
            if verb not in HTTP_METHODS:
                errors.add(f"{where}.resourceMethods.{verb}", f"unknown HTTP method {verb}")
            if str(spec.get("authorizationType", "")).upper() == "JWT":
                errors.add(f"{where}.resourceMethods.{verb}.authorizationType", REST_NO_JWT)
            mpath = f"{where}.resourceMethods.{verb}.methodIntegration"
            methods[verb] = _method(spec, verb, spec.get("methodIntegration"), mpath, errors)
        resources.append(
            Resource(id=str(item.get("id") or content_id(path)), path=path, methods=FrozenDict(methods))
        )
    return tuple(resources)


def _routes(raw: Mapping[str, Any], api_type: ApiType, errors: _Errors) -> dict[str, Any]:
    integrations = {str(x.get("integrationId", x.get("id"))): x for x in raw.get("integrations") or ()}
    by_path: dict[str, dict[str, Method]] = {}
    specials: dict[str, Method] = {}
    for i, route in enumerate(raw.get("routes") or ()):
        where = f"routes[{i}]"
        key = str(route.get("routeKey", ""))
        target = str(route.get("target", "")).removeprefix("integrations/")
        integration = route.get("integration") or integrations.get(target)
        if api_type == ApiType.HTTP:
            _check_http_route_auth(route, where, errors)
        if key.startswith("$"):
            specials[key] = _method(route, key, integration, f"{where}.integration", errors)
            continue
        if api_type == ApiType.WEBSOCKET:
            specials[key] = _method(route, key, integration, f"{where}.integration", errors)
            continue
        verb, _, path = key.partition(" ")
        if verb.upper() not in HTTP_METHODS or not path.startswith("/"):
            errors.add(f"{where}.routeKey", f"use 'METHOD /path' or '$default'; got {key[:80]!r}")
            continue
        _check_path(path, f"{where}.routeKey", errors)
        by_path.setdefault(path, {})[verb.upper()] = _method(
            route, verb.upper(), integration, f"{where}.integration", errors
        )
    if api_type == ApiType.HTTP:
        _refuse_mock(raw.get("routes") or (), integrations, errors)
    resources = tuple(
        Resource(id=content_id(path), path=path, methods=FrozenDict(methods))
        for path, methods in by_path.items()
    )
    return {
        "resources": resources,
        "default_route": specials.pop("$default", None),
        "special_routes": FrozenDict(specials),
    }


def _check_http_route_auth(route: Mapping[str, Any], where: str, errors: _Errors) -> None:
    """§1.1, §7: HTTP API routes authorize with NONE, AWS_IAM, JWT or CUSTOM (authorizers: JWT, REQUEST).

    ``apiKeyRequired`` is accepted and has no effect: AWS documents it as "supported only for
    WebSocket APIs", and an HTTP API has no API keys to check (the api_key stage skips).
    """
    if str(route.get("authorizationType", "")).upper() == "COGNITO_USER_POOLS":
        errors.add(f"{where}.authorizationType", HTTP_NO_COGNITO)


def _refuse_mock(routes: Any, integrations: Mapping[str, Any], errors: _Errors) -> None:
    """HTTP APIs have no MOCK integration (§1.1: "Mock integration: HTTP API No")."""
    for i, route in enumerate(routes):
        if route.get("integration") is not None:
            where, integration = f"routes[{i}].integration.type", route["integration"]
        else:  # a route that targets an integration of the API's "integrations" list
            target = str(route.get("target", "")).removeprefix("integrations/")
            where, integration = f"routes[{i}].target", integrations.get(target) or {}
        if str(integration.get("type", "")).upper() == "MOCK":
            errors.add(
                where, "HTTP APIs have no MOCK integration (§1.1); use a REST API or a Lambda function"
            )


def load_stage(data: Mapping[str, Any], api: Api) -> Stage:
    """Return the frozen ``Stage`` for AWS-style stage JSON, checked against ``api``'s type."""
    if not isinstance(data, Mapping):
        raise ConfigError([("stage", "must be a JSON object")])
    try:
        return _load_stage(data, api)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError([("stage", f"malformed stage: {exc!r}")]) from exc


def _load_stage(data: Mapping[str, Any], api: Api) -> Stage:
    errors = _Errors(prefix="stage.")
    raw = freeze(data)
    is_rest = api.api_type == ApiType.REST
    variables = raw.get("variables") or FrozenDict()
    if len(variables) > MAX_STAGE_VARIABLES:
        errors.add("variables", f"at most {MAX_STAGE_VARIABLES} stage variables")
    for field_name in ("methodSettings", "routeSettings"):
        if len(raw.get(field_name) or {}) > MAX_METHOD_SETTINGS:
            errors.add(field_name, f"at most {MAX_METHOD_SETTINGS} entries")
    errors.raise_if_any()
    for name, value in variables.items():
        if not _STAGE_VAR_NAME.match(name):
            errors.add(f"variables.{name}", "names are 1–64 letters, digits or underscores (§8)")
        if len(str(value)) > 512:
            errors.add(f"variables.{name}", "values are at most 512 characters (§8)")
    if not is_rest:
        for field_name in ("cacheClusterEnabled", "canarySettings", "methodSettings"):
            if raw.get(field_name):
                errors.add(field_name, f"{api.api_type} APIs have no {field_name} (REST only, §1.1)")
    size = str(raw.get("cacheClusterSize", "0.5"))
    if size not in CACHE_CLUSTER_SIZES:
        errors.add("cacheClusterSize", f"must be one of {', '.join(CACHE_CLUSTER_SIZES)} GB (§4)")
    method_settings = {
        _method_key(k): _setting(v, f"methodSettings.{k}", errors)
        for k, v in (raw.get("methodSettings") or {}).items()
    }
    route_settings = {
        k: _setting(v, f"routeSettings.{k}", errors) for k, v in (raw.get("routeSettings") or {}).items()
    }
    default_rs = raw.get("defaultRouteSettings")
    canary = _canary(raw.get("canarySettings"), errors)
    errors.raise_if_any()
    return Stage(
        name=str(raw.get("stageName", "$default" if api.api_type == ApiType.HTTP else "prod")),
        deployment_id=str(raw.get("deploymentId", "")),
        variables=variables,
        method_settings=FrozenDict(method_settings),
        cache_cluster_enabled=bool(raw.get("cacheClusterEnabled", False)),
        cache_cluster_size=size,
        canary=canary,
        default_route_settings=_setting(default_rs, "defaultRouteSettings", errors) if default_rs else None,
        route_settings=FrozenDict(route_settings),
        raw=raw,
    )


def _method_key(key: str) -> str:
    """Normalise ``pets/GET``, ``/pets/GET`` and ``~1pets/GET`` to ``/pets/GET``; keep ``*/*``."""
    if key.strip("/") == "*/*":
        return "*/*"
    path, _, verb = key.replace("~1", "/").rstrip("/").rpartition("/")
    return "/" + path.strip("/") + "/" + verb.upper()


def _setting(raw: Mapping[str, Any], where: str, errors: _Errors) -> MethodSetting:
    rate, burst = raw.get("throttlingRateLimit"), raw.get("throttlingBurstLimit")
    throttle = None
    if rate is not None or burst is not None:
        if rate is None or burst is None or float(rate) < 0 or int(burst) < 0:
            errors.add(where, "set both throttlingRateLimit and throttlingBurstLimit, each ≥ 0 (§3.2)")
        else:
            throttle = ThrottleSetting(rate=float(rate), burst=int(burst))
    ttl = raw.get("cacheTtlInSeconds")
    if ttl is not None and not 0 <= int(ttl) <= MAX_CACHE_TTL_S:
        errors.add(f"{where}.cacheTtlInSeconds", f"must be between 0 and {MAX_CACHE_TTL_S} seconds (§4)")
    strategy = raw.get("unauthorizedCacheControlHeaderStrategy")
    if strategy is not None and strategy not in UNAUTHORIZED_STRATEGIES:
        errors.add(
            f"{where}.unauthorizedCacheControlHeaderStrategy",
            f"must be one of {', '.join(UNAUTHORIZED_STRATEGIES)}",
        )
    return MethodSetting(
        throttle=throttle,
        caching_enabled=raw.get("cachingEnabled"),
        cache_ttl_s=None if ttl is None else int(ttl),
        require_authorization=raw.get("requireAuthorizationForCacheControl"),
        unauthorized_strategy=strategy,
        data_encrypted=raw.get("cacheDataEncrypted"),
    )


def _canary(raw: Mapping[str, Any] | None, errors: _Errors) -> CanarySettings | None:
    if not raw:
        return None
    percent = float(raw.get("percentTraffic", 0.0))
    if not 0.0 <= percent <= 100.0:
        errors.add("canarySettings.percentTraffic", "must be between 0.0 and 100.0 (§8)")
    return CanarySettings(
        percent_traffic=percent,
        deployment_id=str(raw.get("deploymentId", "")),
        stage_variable_overrides=raw.get("stageVariableOverrides") or FrozenDict(),
        use_stage_cache=bool(raw.get("useStageCache", False)),
    )
