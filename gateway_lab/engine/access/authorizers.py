"""Lambda authorizers (§7.2, §7.3): identity sources, events, output checks and the result cache.

Pure functions; ``stages/auth_lambda.py`` invokes the function through the integrations package's
runtime. The cached result is the authorizer's *output* (policy, principal, context): on a hit the
cached policy is evaluated again against the new method ARN, which is exactly how a policy that
names one path starts denying other paths of a ``{proxy+}`` API (§7.2, §14.14).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..messages import Headers, Request
from ..model import Api
from .iam_policy import Effect, PolicyDecision, evaluate

DEFAULT_TTL_S = 300
MAX_TTL_S = 3600
NOT_AUTHORIZED = "User is not authorized to access this resource"
EXPLICIT_DENY = "User is not authorized to access this resource with an explicit deny"


def authorizer_of(api: Api, authorizer_id: str | None) -> Mapping[str, Any] | None:
    """Return the API's authorizer named by ``authorizer_id`` (its id, or its name), or None."""
    for authorizer in api.authorizers:
        if authorizer_id in (authorizer.get("id"), authorizer.get("authorizerId"), authorizer.get("name")):
            return authorizer
    return None


def method_arn(*, region: str, account_id: str, api_id: str, stage: str, method: str, path: str) -> str:
    """Return ``arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/{METHOD}/{path}`` (§7.1)."""
    return f"arn:aws:execute-api:{region}:{account_id}:{api_id}/{stage}/{method}/{path.lstrip('/')}"


def route_arn(*, region: str, account_id: str, api_id: str, stage: str, route_key: str) -> str:
    """Return a WebSocket route's ARN, ``…:{api-id}/{stage}/{route-key}`` (no HTTP method, §7.1, §9)."""
    return f"arn:aws:execute-api:{region}:{account_id}:{api_id}/{stage}/{route_key}"


def ttl_seconds(authorizer: Mapping[str, Any]) -> int:
    """Return the result-cache TTL: default 300 s, 0 turns caching off, at most 3600 s (§7.2)."""
    raw = authorizer.get("authorizerResultTtlInSeconds", DEFAULT_TTL_S)
    return max(0, min(MAX_TTL_S, int(raw if raw is not None else DEFAULT_TTL_S)))


def identity_sources(authorizer: Mapping[str, Any]) -> list[str]:
    raw = authorizer.get("identitySource")
    if raw is None:
        return ["method.request.header.Authorization"] if authorizer.get("type") == "TOKEN" else []
    return [s.strip() for s in raw.split(",")] if isinstance(raw, str) else [str(s) for s in raw]


def header_source(source: str) -> str | None:
    """Return the header an identity source reads (``method.request.header.X``,
    ``route.request.header.X``, ``$request.header.X``), or None for any other source."""
    kind, _, rest = source.removeprefix("$").removeprefix("method.").removeprefix("route.").partition(".")
    where, _, key = rest.partition(".")
    return key if kind == "request" and where == "header" else None


def header_identity(
    headers: Headers, names: Sequence[str], sources: Sequence[str]
) -> tuple[list[str], str | None]:
    """``resolve_identity`` for sources that are all headers (``names``, from ``header_source``).

    Like ``headers.get`` (the last value of a name, any case), scanning the few pairs instead of
    building the headers' lookup table for one or two names.
    """
    values: list[str] = []
    pairs = headers.pairs[::-1]
    for name, source in zip(names, sources, strict=True):
        wanted, value = name.lower(), None
        for key, found in pairs:
            if key.lower() == wanted:
                value = found
                break
        if not value:
            return values, source
        values.append(value)
    return values, None


def identity_value(
    source: str, *, request: Request, stage_variables: Mapping[str, str], context: Mapping[str, Any]
) -> str | None:
    """Resolve one identity source: REST ``method.request.header.X``, WebSocket ``route.request.header.X``
    or HTTP ``$request.header.X`` (``querystring`` likewise)."""
    name = source.removeprefix("$").removeprefix("method.").removeprefix("route.")
    kind, _, rest = name.partition(".")
    if kind == "request":
        where, _, key = rest.partition(".")
        if where == "header":
            return request.headers.get(key)
        if where == "querystring":
            values = request.query_values(key)
            return values[-1] if values else None
        return None
    if kind == "stageVariables":
        return stage_variables.get(rest)
    if kind == "context":
        value = context.get(rest)
        return None if value is None else str(value)
    return None


def resolve_identity(
    sources: Sequence[str],
    *,
    request: Request,
    stage_variables: Mapping[str, str],
    context: Mapping[str, Any],
) -> tuple[list[str], str | None]:
    """Return (values, missing source): every source must be present and non-empty, else 401 without invoking."""
    values: list[str] = []
    for source in sources:
        value = identity_value(source, request=request, stage_variables=stage_variables, context=context)
        if not value:
            return values, source
        values.append(value)
    return values, None


def cache_key(*, api_id: str, authorizer_id: str, values: Sequence[str]) -> str:
    digest = hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:32]
    return f"authz:{api_id}:{authorizer_id}:{digest}"


def token_event(*, token: str, arn: str) -> dict[str, Any]:
    """The TOKEN authorizer event (§7.2)."""
    return {"type": "TOKEN", "authorizationToken": token, "methodArn": arn}


def rest_request_event(proxy_event: Mapping[str, Any], *, arn: str) -> dict[str, Any]:
    """The REST or WebSocket REQUEST authorizer event: the proxy event's request parts, no body (§7.2, §9).

    Unlike the proxy event, ``pathParameters`` is ``{}`` (not null) when the route has none, and
    ``requestContext.identity.apiKey`` carries the ``x-api-key`` header when the client sent one
    (AWS's recorded REQUEST authorizer events).
    """
    parts = {k: v for k, v in proxy_event.items() if k not in ("body", "isBase64Encoded")}
    if "pathParameters" in parts and parts["pathParameters"] is None:
        parts["pathParameters"] = {}
    _with_api_key(parts)
    return {"type": "REQUEST", "methodArn": arn, **parts}


def _with_api_key(parts: dict[str, Any]) -> None:
    """Copy a sent ``x-api-key`` into ``requestContext.identity.apiKey`` (the authorizer runs before the key check)."""
    headers = parts.get("headers") or {}
    key = next((v for k, v in headers.items() if k.lower() == "x-api-key"), None)
    context = parts.get("requestContext")
    if key is None or not isinstance(context, dict) or not isinstance(context.get("identity"), dict):
        return
    parts["requestContext"] = {**context, "identity": {**context["identity"], "apiKey": key}}


def http_request_event(
    proxy_event: Mapping[str, Any], *, arn: str, version: str, values: Sequence[str], stage: str = ""
) -> dict[str, Any]:
    """The HTTP API REQUEST authorizer event, payload 1.0 or 2.0 (§7.3).

    Payload 1.0 has REST's request parts but no ``multiValueHeaders`` /
    ``multiValueQueryStringParameters``, ``pathParameters`` is ``{}`` when empty, and its
    ``requestContext.path`` carries no stage prefix (AWS's recorded v2 custom-authorizer v1 event).
    """
    parts = {k: v for k, v in proxy_event.items() if k not in ("body", "isBase64Encoded")}
    if version == "2.0":
        return {**parts, "version": "2.0", "type": "REQUEST", "routeArn": arn, "identitySource": list(values)}
    parts.pop("multiValueHeaders", None)
    parts.pop("multiValueQueryStringParameters", None)
    if parts.get("pathParameters") is None:
        parts["pathParameters"] = {}
    context = parts.get("requestContext")
    if isinstance(context, dict) and stage and str(context.get("path", "")).startswith(f"/{stage}/"):
        parts["requestContext"] = {**context, "path": context["path"][len(stage) + 1 :]}
    _with_api_key(parts)
    joined = ",".join(values)
    return {
        **parts,
        "version": "1.0",
        "type": "REQUEST",
        "methodArn": arn,
        "identitySource": joined,
        "authorizationToken": joined,
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorizerOutput:
    """A checked authorizer result; ``problem`` says why it is malformed (→ 500)."""

    principal_id: str | None = None
    policy: Mapping[str, Any] | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    usage_identifier_key: str | None = None
    is_authorized: bool | None = None  # simple responses only
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "principalId": self.principal_id,
            "policyDocument": self.policy,
            "context": dict(self.context),
            "usageIdentifierKey": self.usage_identifier_key,
            "isAuthorized": self.is_authorized,
        }


def parse_output(output: Any, *, simple: bool, strict_context: bool) -> AuthorizerOutput:
    """Check an authorizer's return value (§7.2 output rules; §7.3 simple responses)."""
    if not isinstance(output, Mapping):
        return AuthorizerOutput(problem="the authorizer returned something other than a JSON object")
    context = output.get("context") or {}
    if not isinstance(context, Mapping):
        return AuthorizerOutput(problem="context must be a JSON object")
    if strict_context and any(isinstance(v, Mapping | list | tuple) for v in context.values()):
        return AuthorizerOutput(
            problem="context values must be strings, numbers or booleans, not objects or arrays"
        )
    if simple:
        if not isinstance(output.get("isAuthorized"), bool):
            return AuthorizerOutput(problem="a simple response needs a boolean isAuthorized")
        return AuthorizerOutput(is_authorized=output["isAuthorized"], context=context)
    policy = output.get("policyDocument")
    if not isinstance(policy, Mapping) or not policy.get("Statement"):
        return AuthorizerOutput(problem="the output has no policyDocument with a Statement")
    if strict_context and not output.get("principalId"):
        return AuthorizerOutput(problem="the output has no principalId")
    key = output.get("usageIdentifierKey")
    return AuthorizerOutput(
        principal_id=str(output.get("principalId", "")),
        policy=policy,
        context=context,
        usage_identifier_key=key,
    )


def decide(output: AuthorizerOutput, *, arn: str) -> tuple[Effect, PolicyDecision | None]:
    """Evaluate the output against this request's method ARN (a simple response needs no policy)."""
    if output.is_authorized is not None:
        return (Effect.ALLOW if output.is_authorized else Effect.SILENT), None
    decision = evaluate(output.policy, action="execute-api:Invoke", resource=arn)
    return decision.effect, decision


def stringified(context: Mapping[str, Any]) -> dict[str, Any]:
    """REST passes context values on as strings (``true`` → ``"true"``, §7.2)."""
    return {k: json.dumps(v) if isinstance(v, bool) else str(v) for k, v in context.items()}
