"""Helpers for the live gateway's HTTP tests: stored APIs of their own, and plain HTTP calls."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from typing import Any

from gateway_lab.livegw.demo_apis import lambda_uri
from gateway_lab.livegw.models import ApiDefinitionRecord

FN = "gateway_lab.functions."


def method(handler: str, **extra: Any) -> dict[str, Any]:
    """A Lambda proxy method on ``gateway_lab.functions.<handler>``; ``integration=`` adds integration keys."""
    integration = {"type": "AWS_PROXY", "httpMethod": "POST", "uri": lambda_uri(FN + handler)}
    integration.update(extra.pop("integration", {}))
    return {"authorizationType": "NONE", "methodIntegration": integration, **extra}


def stored_rest_api(
    resources: dict[str, dict[str, Any]], *, stage: dict[str, Any] | None = None, **api: Any
) -> str:
    """Store a REST API (``{path: {METHOD: method}}``) with stage ``prod``; return its fresh id."""
    api_id = "t-" + uuid.uuid4().hex[:10]
    definition = {
        "id": api_id,
        "name": api_id,
        "protocolType": "REST",
        "region": "us-east-1",
        "endpointConfiguration": {"types": ["REGIONAL"]},
        "resources": [{"path": path, "resourceMethods": methods} for path, methods in resources.items()],
        **api,
    }
    ApiDefinitionRecord.objects.create(
        api_id=api_id, definition=definition, stages=[{"stageName": "prod", **(stage or {})}]
    )
    return api_id


def fetch(
    url: str, *, method: str = "GET", headers: dict[str, str] | None = None, body: bytes | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Return (status, lower-cased headers, body) of one real HTTP request; errors are answers too."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()
