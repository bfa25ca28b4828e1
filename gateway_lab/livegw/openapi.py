"""OpenAPI 3 import and export of REST APIs with API Gateway's ``x-amazon-apigateway-*`` extensions.

Plain functions over JSON (no Django), so the management commands, tests and any page share them.

Supported (what AWS's own export writes for these features):

- ``paths`` → resources; each operation → a method. ``x-amazon-apigateway-integration`` → the
  method's integration (``type`` aws_proxy/aws/http/http_proxy/mock, ``httpMethod``, ``uri``,
  ``timeoutInMillis``, ``requestTemplates``, ``requestParameters``, ``passthroughBehavior``,
  ``cacheKeyParameters``, ``responses`` → ``integrationResponses``, and the lab's ``handler`` for a
  built-in function); ``x-amazon-apigateway-any-method`` → ``ANY``;
- ``security`` naming an ``apiKey`` scheme → ``apiKeyRequired``; a scheme with
  ``x-amazon-apigateway-authtype: awsSigv4`` → ``AWS_IAM``; a scheme with
  ``x-amazon-apigateway-authorizer`` → a Lambda (token/request) or Cognito authorizer and the
  methods that name it (``authorizationScopes`` from the security requirement);
- ``x-amazon-apigateway-api-key-source``; ``x-amazon-apigateway-request-validators`` and
  ``x-amazon-apigateway-request-validator`` (API default or per operation);
- ``info.title`` → the API's name.

Everything else is reported by ``import_openapi`` (``ignored``: a JSON pointer and why), never
silently dropped: responses, schemas, servers, tags, other extensions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

HTTP_VERBS = ("get", "put", "post", "delete", "options", "head", "patch")
ANY_METHOD = "x-amazon-apigateway-any-method"
INTEGRATION = "x-amazon-apigateway-integration"
AUTHORIZER = "x-amazon-apigateway-authorizer"
AUTHTYPE = "x-amazon-apigateway-authtype"
KEY_SOURCE = "x-amazon-apigateway-api-key-source"
VALIDATORS = "x-amazon-apigateway-request-validators"
VALIDATOR = "x-amazon-apigateway-request-validator"
SIGV4 = "sigv4"
API_KEY = "api_key"
_INTEGRATION_KEYS = {
    "type": "type",
    "httpMethod": "httpMethod",
    "uri": "uri",
    "timeoutInMillis": "timeoutInMillis",
    "requestTemplates": "requestTemplates",
    "requestParameters": "requestParameters",
    "passthroughBehavior": "passthroughBehavior",
    "cacheKeyParameters": "cacheKeyParameters",
    "contentHandling": "contentHandling",
    "handler": "handler",  # the lab's shorthand for a built-in function (instead of a Lambda uri)
}
_AUTHORIZER_TYPES = {"token": "TOKEN", "request": "REQUEST", "cognito_user_pools": "COGNITO_USER_POOLS"}


class OpenApiError(ValueError):
    """The document cannot be imported; ``errors`` are (JSON pointer, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{where}: {why}" for where, why in errors))
        self.errors = errors


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


# --- Export ---------------------------------------------------------------------------------------


def export_openapi(api: Mapping[str, Any]) -> dict[str, Any]:
    """Return the OpenAPI 3.0.1 document of a REST API's JSON (the engine's format)."""
    schemes: dict[str, Any] = {}
    authorizers = {str(a.get("id", a.get("name"))): a for a in api.get("authorizers") or ()}
    paths: dict[str, Any] = {}
    for resource in api.get("resources") or ():
        operations: dict[str, Any] = {}
        for verb, method in (resource.get("resourceMethods") or {}).items():
            operations[ANY_METHOD if verb.upper() == "ANY" else verb.lower()] = _export_operation(
                method, authorizers, schemes
            )
        if operations:
            paths[str(resource.get("path", "/"))] = operations
    document: dict[str, Any] = {
        "openapi": "3.0.1",
        "info": {"title": str(api.get("name") or api.get("id") or "api"), "version": "1.0"},
        "paths": paths,
    }
    if api.get("apiKeySource"):
        document[KEY_SOURCE] = str(api["apiKeySource"])
    validators = api.get("requestValidators") or ()
    if validators:
        document[VALIDATORS] = {
            str(v.get("id", v.get("name"))): {
                "validateRequestBody": bool(v.get("validateRequestBody", False)),
                "validateRequestParameters": bool(v.get("validateRequestParameters", False)),
            }
            for v in validators
        }
    if schemes:
        document["components"] = {"securitySchemes": schemes}
    return document


def _export_operation(
    method: Mapping[str, Any], authorizers: Mapping[str, Any], schemes: dict[str, Any]
) -> dict[str, Any]:
    operation: dict[str, Any] = {"responses": {}}
    security: list[dict[str, list[str]]] = []
    if method.get("apiKeyRequired"):
        schemes[API_KEY] = {"type": "apiKey", "name": "x-api-key", "in": "header"}
        security.append({API_KEY: []})
    kind = str(method.get("authorizationType", "NONE")).upper()
    if kind == "AWS_IAM":
        schemes[SIGV4] = {"type": "apiKey", "name": "Authorization", "in": "header", AUTHTYPE: "awsSigv4"}
        security.append({SIGV4: []})
    elif kind in ("CUSTOM", "COGNITO_USER_POOLS") and method.get("authorizerId") in authorizers:
        authorizer = authorizers[method["authorizerId"]]
        name = str(authorizer.get("id") or authorizer.get("name"))
        schemes[name] = _export_authorizer(authorizer)
        security.append({name: list(method.get("authorizationScopes") or [])})
    if security:
        operation["security"] = security
    if method.get("requestValidatorId"):
        operation[VALIDATOR] = str(method["requestValidatorId"])
    integration = method.get("methodIntegration")
    if integration:
        exported = {
            key: integration[source] for source, key in _INTEGRATION_KEYS.items() if source in integration
        }
        exported["type"] = str(integration.get("type", "")).lower()
        if integration.get("integrationResponses"):
            exported["responses"] = {
                str(r.get("selectionPattern") or "default"): {
                    k: v for k, v in r.items() if k != "selectionPattern"
                }
                for r in integration["integrationResponses"].values()
            }
        operation[INTEGRATION] = exported
    return operation


def _export_authorizer(authorizer: Mapping[str, Any]) -> dict[str, Any]:
    kind = str(authorizer.get("type", "TOKEN")).upper()
    source = str(authorizer.get("identitySource", "method.request.header.Authorization"))
    header = source.rsplit(".", 1)[-1] if source.startswith("method.request.header.") else "Authorization"
    spec: dict[str, Any] = {"type": kind.lower()}
    for key in (
        "authorizerUri",
        "identitySource",
        "authorizerResultTtlInSeconds",
        "identityValidationExpression",
    ):
        if key in authorizer:
            spec[key] = authorizer[key]
    if kind == "COGNITO_USER_POOLS":
        spec["providerARNs"] = list(authorizer.get("providerARNs") or ())
    return {
        "type": "apiKey",
        "name": header,
        "in": "header",
        AUTHTYPE: "cognito_user_pools" if kind == "COGNITO_USER_POOLS" else "custom",
        AUTHORIZER: spec,
    }


# --- Import ---------------------------------------------------------------------------------------


def import_openapi(
    document: Any, *, api_id: str, region: str = "us-east-1"
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Return (REST API JSON, ignored) for an OpenAPI 3 document; raise ``OpenApiError`` when unusable.

    ``ignored`` lists each part of the document the lab does not use: ``{"at": pointer, "why": …}``.
    """
    errors: list[tuple[str, str]] = []
    if not isinstance(document, Mapping):
        raise OpenApiError([("/", "an OpenAPI document is a JSON or YAML object")])
    if not str(document.get("openapi", "")).startswith("3."):
        errors.append(("/openapi", "only OpenAPI 3.x documents are supported (Swagger 2.0 is not)"))
    paths = document.get("paths")
    if not isinstance(paths, Mapping) or not paths:
        errors.append(("/paths", "the document has no paths"))
    if errors:
        raise OpenApiError(errors)
    ignored: list[dict[str, str]] = []
    known = {"openapi", "info", "paths", "components", KEY_SOURCE, VALIDATORS, VALIDATOR}
    for key in document:
        if key not in known:
            ignored.append({"at": _pointer(key), "why": "not used by the lab"})
    schemes = ((document.get("components") or {}).get("securitySchemes")) or {}
    for key in document.get("components") or {}:
        if key != "securitySchemes":
            ignored.append({"at": _pointer("components", key), "why": "models and schemas are not imported"})
    authorizers, scheme_kinds = _import_schemes(schemes, errors, ignored)
    default_validator = document.get(VALIDATOR)
    resources = []
    for path, item in paths.items():
        if not isinstance(item, Mapping):
            errors.append((_pointer("paths", str(path)), "a path item is an object"))
            continue
        methods: dict[str, Any] = {}
        for key, operation in item.items():
            where = _pointer("paths", str(path), str(key))
            verb = "ANY" if key == ANY_METHOD else str(key).upper() if key in HTTP_VERBS else None
            if verb is None or not isinstance(operation, Mapping):
                ignored.append({"at": where, "why": "not an operation"})
                continue
            methods[verb] = _import_operation(
                operation, where, scheme_kinds, default_validator, errors, ignored
            )
        resources.append({"path": str(path), "resourceMethods": methods})
    if errors:
        raise OpenApiError(errors)
    api: dict[str, Any] = {
        "id": api_id,
        "name": str((document.get("info") or {}).get("title") or api_id),
        "protocolType": "REST",
        "region": region,
        "endpointConfiguration": {"types": ["REGIONAL"]},
        "resources": resources,
    }
    if document.get(KEY_SOURCE):
        api["apiKeySource"] = str(document[KEY_SOURCE]).upper()
    validators = document.get(VALIDATORS) or {}
    if validators:
        api["requestValidators"] = [
            {"id": name, "name": name,
             "validateRequestBody": bool((spec or {}).get("validateRequestBody", False)),
             "validateRequestParameters": bool((spec or {}).get("validateRequestParameters", False))}
            for name, spec in validators.items()
        ]  # fmt: skip
    if authorizers:
        api["authorizers"] = authorizers
    return api, ignored


def _import_schemes(
    schemes: Mapping[str, Any], errors: list[tuple[str, str]], ignored: list[dict[str, str]]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Return (authorizers, scheme name → "api_key" | "iam" | "CUSTOM" | "COGNITO_USER_POOLS")."""
    authorizers: list[dict[str, Any]] = []
    kinds: dict[str, str] = {}
    for name, scheme in schemes.items():
        where = _pointer("components", "securitySchemes", str(name))
        if not isinstance(scheme, Mapping):
            errors.append((where, "a security scheme is an object"))
            continue
        spec = scheme.get(AUTHORIZER)
        authtype = str(scheme.get(AUTHTYPE, "")).lower()
        if isinstance(spec, Mapping):
            kind = _AUTHORIZER_TYPES.get(str(spec.get("type", "token")).lower())
            if kind is None:
                errors.append(
                    (where + "/" + AUTHORIZER + "/type", "must be token, request or cognito_user_pools")
                )
                continue
            authorizer: dict[str, Any] = {"id": str(name), "name": str(name), "type": kind}
            for key in ("authorizerUri", "handler", "identitySource", "authorizerResultTtlInSeconds", "identityValidationExpression", "providerARNs"):  # fmt: skip
                if key in spec:
                    authorizer[key] = spec[key]
            if "identitySource" not in authorizer and kind != "REQUEST":
                authorizer["identitySource"] = f"method.request.header.{scheme.get('name', 'Authorization')}"
            authorizers.append(authorizer)
            kinds[str(name)] = "COGNITO_USER_POOLS" if kind == "COGNITO_USER_POOLS" else "CUSTOM"
        elif authtype == "awssigv4":
            kinds[str(name)] = "iam"
        elif scheme.get("type") == "apiKey" and str(scheme.get("name", "")).lower() == "x-api-key":
            kinds[str(name)] = "api_key"
        else:
            ignored.append(
                {
                    "at": where,
                    "why": "only API keys, SigV4 and x-amazon-apigateway-authorizer schemes are used",
                }
            )
    return authorizers, kinds


def _import_operation(
    operation: Mapping[str, Any],
    where: str,
    kinds: Mapping[str, str],
    default_validator: Any,
    errors: list[tuple[str, str]],
    ignored: list[dict[str, str]],
) -> dict[str, Any]:
    method: dict[str, Any] = {"authorizationType": "NONE"}
    for requirement in operation.get("security") or ():
        for name, scopes in (requirement or {}).items():
            kind = kinds.get(str(name))
            if kind == "api_key":
                method["apiKeyRequired"] = True
            elif kind == "iam":
                method["authorizationType"] = "AWS_IAM"
            elif kind in ("CUSTOM", "COGNITO_USER_POOLS"):
                method["authorizationType"] = kind
                method["authorizerId"] = str(name)
                if scopes:
                    method["authorizationScopes"] = list(scopes)
            else:
                ignored.append({"at": where + "/security", "why": f"unknown security scheme {name!r}"})
    validator = operation.get(VALIDATOR, default_validator)
    if validator:
        method["requestValidatorId"] = str(validator)
    integration = operation.get(INTEGRATION)
    if not isinstance(integration, Mapping):
        errors.append((where + "/" + INTEGRATION, "every operation needs an x-amazon-apigateway-integration"))
        return method
    imported = {source: integration[key] for source, key in _INTEGRATION_KEYS.items() if key in integration}
    imported["type"] = str(integration.get("type", "")).upper()
    responses = integration.get("responses") or {}
    if responses:
        imported["integrationResponses"] = {
            str(spec.get("statusCode", "200")): {
                **spec,
                **({} if pattern == "default" else {"selectionPattern": pattern}),
            }
            for pattern, spec in responses.items()
        }
    for key in integration:
        if key not in _INTEGRATION_KEYS.values() and key != "responses":
            ignored.append({"at": where + "/" + INTEGRATION + "/" + key, "why": "not used by the lab"})
    for key in operation:
        if key not in ("security", VALIDATOR, INTEGRATION, "responses", "parameters", "requestBody"):
            ignored.append({"at": where + "/" + key, "why": "not used by the lab"})
    if operation.get("requestBody"):
        ignored.append({"at": where + "/requestBody", "why": "request models are not imported"})
    method["methodIntegration"] = imported
    return method
