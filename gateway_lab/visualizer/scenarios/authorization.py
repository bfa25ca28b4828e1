"""The builder's "Authorization" choice: rewrite an API's methods the way a learner configures auth in AWS.

This writes configuration only (method ``authorizationType``, ``apiKeyRequired``, ``authorizers``,
``labAccess``); whether a request gets through is decided by the engine's auth and API key stages.
The choice is one kind of access control per API: picking IAM on an API-key preset drops the key
requirement, as unticking "API key required" would in the console.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from gateway_lab.engine import load_preset

from .model import api_type

AUTH_CHOICES = ("none", "api_key", "iam", "cognito", "jwt", "lambda")
# Which authorization an API type can have is the engine's rule (its loader refuses a REST JWT
# authorizer or an HTTP Cognito one with a ConfigError). The builder adds two of its own: it models
# auth for REST and HTTP APIs only (WebSocket APIs authorize $connect), and an API key on an HTTP
# API would be accepted and do nothing (§1.1: HTTP APIs have no API keys), so it says so instead.
MODELLED_API_TYPES = ("REST", "HTTP")
WITHOUT_EFFECT = frozenset({("HTTP", "api_key")})

LAB_KEY = {"id": "lab-key", "value": "labVisualizerKey0123456789", "name": "lab"}
LAB_USER_NAME = "lab-user"
LAB_ACCESS_KEY = {
    "accessKeyId": "AKIALABVISUALIZER001",
    "secretAccessKey": "lab/visualizer/secret/key/0000000001",
}
POOL_PRESET = "cognito-mobile-app"  # its pool has a pinned key, so the preset's ID token verifies here too
STATIC_TOKEN = "gateway_lab.functions.authorizers.static_token.handler"


def with_authorization(api: Mapping[str, Any], stage: Mapping[str, Any], auth: str) -> dict[str, Any]:
    """Return ``api`` with every method/route protected by ``auth`` (one of ``AUTH_CHOICES``)."""
    result = copy.deepcopy(dict(api))
    rest = api_type(result) == "REST"
    kind, authorizer = _method_auth(result, stage, auth, rest=rest)
    if authorizer is not None:
        others = [a for a in result.get("authorizers") or [] if a.get("id") != authorizer["id"]]
        result["authorizers"] = [*others, authorizer]
    for method in _methods(result):
        for key in ("authorizerId", "authorizationScopes"):
            method.pop(key, None)
        method["authorizationType"] = kind
        if authorizer is not None:
            method["authorizerId"] = authorizer["id"]
        if rest:
            method["apiKeyRequired"] = auth == "api_key"
    return result


def _methods(api: dict[str, Any]) -> list[dict[str, Any]]:
    if api_type(api) != "REST":
        return list(api.get("routes") or [])
    return [m for r in api.get("resources") or [] for m in (r.get("resourceMethods") or {}).values()]


def _method_auth(
    api: dict[str, Any], stage: Mapping[str, Any], auth: str, *, rest: bool
) -> tuple[str, dict[str, Any] | None]:
    """Return the methods' ``authorizationType`` and the authorizer they name; add the account's resources."""
    access = api.setdefault("labAccess", {})
    if auth == "api_key":
        _add(access, "apiKeys", LAB_KEY)
        _add(access, "usagePlans", _usage_plan(api, stage))
        api.setdefault("apiKeySource", "HEADER")
    if auth == "iam" and not access.get("iamUsers"):  # a preset's own users (and policies) stay
        access["iamUsers"] = [_iam_user(api)]
    if auth in ("cognito", "jwt"):
        _add(access, "userPools", _pool())
    if auth == "cognito":
        return "COGNITO_USER_POOLS", _cognito_authorizer()
    if auth == "jwt":
        return "JWT", _jwt_authorizer()
    if auth == "lambda":
        return "CUSTOM", _lambda_authorizer(rest=rest)
    return ("AWS_IAM" if auth == "iam" else "NONE"), None


def _add(access: dict[str, Any], key: str, entry: Mapping[str, Any]) -> None:
    entries = [e for e in access.get(key) or [] if e.get("id") != entry["id"]]
    access[key] = [*entries, dict(entry)]


def _usage_plan(api: Mapping[str, Any], stage: Mapping[str, Any]) -> dict[str, Any]:
    api_stage = {"apiId": str(api.get("id", "api")), "stage": str(stage.get("stageName") or "prod")}
    return {"id": "lab-plan", "name": "Lab plan", "apiStages": [api_stage], "keys": [LAB_KEY["id"]]}


def _iam_user(api: Mapping[str, Any]) -> dict[str, Any]:
    region, api_id = api.get("region", "us-east-1"), api.get("id", "api")
    statement = {
        "Effect": "Allow",
        "Action": "execute-api:Invoke",
        "Resource": f"arn:aws:execute-api:{region}:123456789012:{api_id}/*",
    }
    return {
        "userName": LAB_USER_NAME,
        "accessKeys": [dict(LAB_ACCESS_KEY)],
        "policy": {"Version": "2012-10-17", "Statement": [statement]},
    }


def _pool() -> dict[str, Any]:
    pool: dict[str, Any] = copy.deepcopy(dict(load_preset(POOL_PRESET)["api"]["labAccess"]["userPools"][0]))
    pool["region"] = pool["id"].partition("_")[0]  # the issuer names the pool's Region, not the API's
    return pool


def _pool_facts() -> tuple[str, str, str]:
    """Return the lab pool's ARN, issuer URL and app client id."""
    pool = _pool()
    region, pool_id = pool["region"], pool["id"]
    arn = f"arn:aws:cognito-idp:{region}:123456789012:userpool/{pool_id}"
    return arn, f"https://cognito-idp.{region}.amazonaws.com/{pool_id}", str(pool["clientIds"][0])


def _cognito_authorizer() -> dict[str, Any]:
    return {
        "id": "lab-cognito",
        "name": "LabUserPool",
        "type": "COGNITO_USER_POOLS",
        "providerARNs": [_pool_facts()[0]],
        "identitySource": "method.request.header.Authorization",
    }


def _jwt_authorizer() -> dict[str, Any]:
    _arn, issuer, client_id = _pool_facts()
    return {
        "id": "lab-jwt",
        "name": "LabJwt",
        "authorizerType": "JWT",
        "identitySource": ["$request.header.Authorization"],
        "jwtConfiguration": {"issuer": issuer, "audience": [client_id]},
    }


def _lambda_authorizer(*, rest: bool) -> dict[str, Any]:
    # HTTP APIs have REQUEST authorizers only; payload 1.0 still hands the header over as
    # ``authorizationToken`` and expects an IAM policy back, which is what the static-token blueprint returns.
    common = {
        "id": "lab-lambda",
        "name": "StaticToken",
        "handler": STATIC_TOKEN,
        "authorizerResultTtlInSeconds": 300,
    }
    if rest:
        return {**common, "type": "TOKEN", "identitySource": "method.request.header.Authorization"}
    return {
        **common,
        "authorizerType": "REQUEST",
        "authorizerPayloadFormatVersion": "1.0",
        "identitySource": ["$request.header.Authorization"],
    }
