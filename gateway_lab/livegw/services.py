"""Wire the engine's WebSocket gateway to this server: definitions, clock, store, runtime, ids, tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import replace
from functools import cache
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest

from gateway_lab.engine import (
    ApiType,
    Client,
    ConfigError,
    Headers,
    IntegrationRuntime,
    Request,
    SystemClock,
    deploy,
    load_stage,
)
from gateway_lab.engine.websocket import WebSocketGateway

from . import builder
from .demo_apis import DEMO_APIS
from .models import ApiDefinitionRecord
from .store import live_store

CLOCK = SystemClock()
DEMO_WS_ID = "demo-ws"
_GROUP_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


@cache
def live_runtime() -> IntegrationRuntime:
    """Return the process's integration runtime: real time, the allowed function packages only."""
    conf = settings.GATEWAY_LAB
    runtime = IntegrationRuntime.default(
        clock=CLOCK,
        live=True,
        function_packages=tuple(conf["FUNCTION_PACKAGES"]),
        http_allowlist=tuple(conf["HTTP_ALLOWLIST"]),
    )
    if settings.REDIS_URL:  # one set of lab stores for every server process (lab_redis)
        from .lab_redis import RedisLabServices

        runtime = replace(runtime, services=RedisLabServices(clock=CLOCK, redis_url=settings.REDIS_URL))
    return runtime


def definition_for(api_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """Return (API JSON, stages JSON) from the database, falling back to the built-in demo APIs."""
    record = ApiDefinitionRecord.objects.filter(api_id=api_id).first()
    if record is not None:
        return record.definition, record.stages
    return DEMO_APIS.get(api_id)


_gateways: dict[tuple[str, str], tuple[Any, WebSocketGateway]] = {}


def gateway_for(api_id: str, stage_name: str) -> WebSocketGateway | None:
    """Return the WebSocket gateway of ``api_id``/``stage_name``, or None when there is no such WebSocket API."""
    found = definition_for(api_id)
    if found is None:
        return None
    definition, stages = found
    stage_json = next((s for s in stages if s.get("stageName") == stage_name), None)
    if stage_json is None or builder.api_type(definition) != ApiType.WEBSOCKET:
        return None
    if api_id == DEMO_WS_ID and "labAccess" not in definition:
        definition = {**definition, "labAccess": demo_lab_access()}
    version = (definition, stage_json)
    cached = _gateways.get((api_id, stage_name))
    if cached is not None and cached[0] == version:
        return cached[1]
    try:
        deployment = deploy(definition)
        stage = load_stage(stage_json, deployment.api)
    except ConfigError:
        return None
    gateway = WebSocketGateway(
        deployment=deployment,
        stage=stage,
        store=live_store(),
        clock=CLOCK,
        runtime=live_runtime(),
        seed=secrets.randbits(64),
    )
    _gateways[(api_id, stage_name)] = (version, gateway)
    return gateway


def new_connection_id() -> str:
    """Return a connection id shaped like AWS's (16 characters ending in ``=``)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(11)).decode()


def trace_group(api_id: str, stage: str) -> str:
    """Return the group the demo page's event log listens to."""
    return f"livegw.traces.{_GROUP_SAFE.sub('.', api_id)}.{_GROUP_SAFE.sub('.', stage)}"


def request_from_scope(scope: dict[str, Any]) -> Request:
    """Build the engine request of a WebSocket upgrade (headers, query string, client address)."""
    headers = Headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", [])])
    client_host = (scope.get("client") or ("127.0.0.1", 0))[0]
    client = Client(source_ip=client_host, user_agent=headers.get("User-Agent", ""), region="us-east-1")
    return Request.build(
        "GET",
        "/",
        query=scope.get("query_string", b"").decode("latin-1"),
        headers=headers.pairs,
        client=client,
    )


def management_request(request: HttpRequest) -> tuple[Request, str]:
    """Return the engine request of an ``@connections`` call and the raw path its signer signed."""
    scope = getattr(request, "scope", None) or {}
    raw = scope.get("raw_path")
    # The signature covers the path as sent (``%3D`` in ids stays encoded); WSGI test requests lack it.
    raw_path = (
        raw.decode("latin-1").partition("?")[0] if raw else quote(request.path, safe="/@:=+,;!$&'()*-._~")
    )
    client = Client(
        source_ip=request.META.get("REMOTE_ADDR", ""), user_agent=request.headers.get("User-Agent", "")
    )
    engine_request = Request.build(
        request.method or "GET",
        request.path,
        query=request.META.get("QUERY_STRING", ""),
        headers=list(request.headers.items()),
        body=request.body,
        client=client,
    )
    return engine_request, raw_path


def connections_token() -> str:
    """Return the lab token @connections callers must send (``Authorization: Bearer …``).

    Derived from SECRET_KEY (or set as GATEWAY_LAB["CONNECTIONS_TOKEN"]), so every server process
    agrees on it without storing anything, and it is never guessable from outside.
    """
    configured = settings.GATEWAY_LAB.get("CONNECTIONS_TOKEN")
    if configured:
        return str(configured)
    digest = hmac.new(settings.SECRET_KEY.encode(), b"livegw-connections-token", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def token_valid(header: str) -> bool:
    """Return whether an Authorization header carries the lab token."""
    scheme, _, value = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip(), connections_token())


def _derived(label: bytes) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), label, hashlib.sha256).digest()


def demo_credentials() -> tuple[str, str]:
    """Return the demo API's lab IAM access key (id, secret), derived from SECRET_KEY like the token."""
    key_id = "AKIA" + base64.b32encode(_derived(b"livegw-demo-iam-id")).decode()[:16]
    return key_id, base64.b64encode(_derived(b"livegw-demo-iam-secret")).decode()[:40]


def demo_lab_access() -> dict[str, Any]:
    """Return demo-ws's ``labAccess``: one IAM user allowed execute-api:ManageConnections on its stages."""
    key_id, secret = demo_credentials()
    statement = {
        "Effect": "Allow",
        "Action": "execute-api:ManageConnections",
        "Resource": f"arn:aws:execute-api:*:*:{DEMO_WS_ID}/*/*/@connections/*",
    }
    return {
        "iamUsers": [
            {
                "userName": "demo-backend",
                "accessKeys": [{"accessKeyId": key_id, "secretAccessKey": secret}],
                "policy": {"Version": "2012-10-17", "Statement": [statement]},
            }
        ]
    }
