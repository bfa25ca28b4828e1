"""Small builders for engine tests: API JSON, stages and pipelines on a virtual clock."""

from __future__ import annotations

from typing import Any

from gateway_lab.engine.clock import VirtualClock
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.engine.messages import Request
from gateway_lab.engine.pipeline import Pipeline, build_pipeline
from gateway_lab.engine.state import MemoryStore
from gateway_lab.engine.trace import Trace


def lambda_uri(function: str = "echo", region: str = "us-east-1") -> str:
    return (
        f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/"
        f"arn:aws:lambda:{region}:123456789012:function:{function}/invocations"
    )


def lambda_integration(function: str = "echo", **extra: Any) -> dict[str, Any]:
    return {"type": "AWS_PROXY", "httpMethod": "POST", "uri": lambda_uri(function), **extra}


def mock_integration(body: str = '{"ok": true}', **extra: Any) -> dict[str, Any]:
    return {
        "type": "MOCK",
        "requestTemplates": {"application/json": '{"statusCode": 200}'},
        "integrationResponses": {
            "200": {"statusCode": "200", "responseTemplates": {"application/json": body}}
        },
        **extra,
    }


def rest_api(resources: dict[str, dict[str, dict[str, Any]]], **extra: Any) -> dict[str, Any]:
    """``{"/pets": {"GET": method_json}}`` → REST API JSON (methods default to a MOCK integration)."""
    return {
        "id": "testapi",
        "protocolType": "REST",
        "endpointConfiguration": {"types": [extra.pop("endpoint", "REGIONAL")]},
        "resources": [
            {
                "path": path,
                "resourceMethods": {
                    verb: {"methodIntegration": mock_integration(), **spec} for verb, spec in methods.items()
                },
            }
            for path, methods in resources.items()
        ],
        **extra,
    }


def http_api(routes: dict[str, dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "id": "httpapi",
        "protocolType": "HTTP",
        "routes": [
            {"routeKey": key, "integration": lambda_integration(payloadFormatVersion="2.0"), **spec}
            for key, spec in routes.items()
        ],
        **extra,
    }


def make_pipeline(api: dict[str, Any], stage: dict[str, Any] | None = None, **kwargs: Any) -> Pipeline:
    clock = VirtualClock()
    return build_pipeline(
        api=api,
        stage=stage or {"stageName": "prod"},
        clock=clock,
        store=MemoryStore(clock),
        runtime=IntegrationRuntime.default(clock=clock),
        **kwargs,
    )


def send(
    pipeline: Pipeline, method: str = "GET", path: str = "/", *, at_ms: float = 0.0, **kwargs: Any
) -> Trace:
    """Run one request arriving ``at_ms`` after the pipeline's origin."""
    request = Request.build(method, path, time_ms=pipeline.origin_ms + at_ms, **kwargs)
    return pipeline.run(request)
