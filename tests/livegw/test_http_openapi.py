"""OpenAPI 3 import/export with API Gateway's extensions (issue 12): round trips, reports what it ignores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from gateway_lab.engine import deploy
from gateway_lab.engine.presets import load_preset
from gateway_lab.engine.simulate import simulate
from gateway_lab.livegw.demo_apis import DEMO_REST_API
from gateway_lab.livegw.models import ApiDefinitionRecord
from gateway_lab.livegw.openapi import OpenApiError, export_openapi, import_openapi

METHOD_KEYS = (
    "authorizationType",
    "authorizerId",
    "apiKeyRequired",
    "requestValidatorId",
    "authorizationScopes",
)
INTEGRATION_KEYS = (
    "type",
    "uri",
    "handler",
    "httpMethod",
    "timeoutInMillis",
    "requestTemplates",
    "integrationResponses",
)


def _methods(api: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for resource in api["resources"]:
        for verb, method in resource["resourceMethods"].items():
            integration = method.get("methodIntegration") or {}
            found[(resource["path"], verb)] = {
                **{k: method.get(k) for k in METHOD_KEYS if method.get(k) not in (None, False, "NONE")},
                **{k: integration.get(k) for k in INTEGRATION_KEYS if integration.get(k) is not None},
            }
    return found


@pytest.mark.parametrize(
    "api",
    [
        DEMO_REST_API,
        load_preset("lambda-authorizer-oauth")["api"],
        load_preset("request-validation-400")["api"],
        load_preset("cognito-mobile-app")["api"],
        load_preset("api-keys-saas")["api"],
    ],
    ids=["demo-rest", "lambda-authorizer", "validators", "cognito", "api-keys"],
)
def test_export_then_import_round_trips(api: dict[str, Any]) -> None:
    """Every method, its auth (IAM, API key, authorizer and scopes), validator and integration survive."""
    document = json.loads(json.dumps(export_openapi(api)))  # through JSON, as a file would be
    imported, ignored = import_openapi(document, api_id=api["id"])
    assert _methods(imported) == _methods(api)
    assert {a["id"] for a in imported.get("authorizers", [])} == {
        a["id"] for a in api.get("authorizers") or []
    }
    assert imported.get("apiKeySource", "HEADER") == api.get("apiKeySource", "HEADER")
    deploy(imported)  # the engine accepts what was imported
    assert ignored == []


def test_imported_api_answers_like_the_original() -> None:
    """§6.3 (mock integration): the imported demo API's /version answers what the original answers."""
    imported, _ = import_openapi(export_openapi(DEMO_REST_API), api_id="demo-rest")
    request = [{"method": "GET", "path": "/version"}]
    stage = {"stageName": "prod", "variables": {"version": "v1"}}
    original = simulate(api=DEMO_REST_API, stage=stage, requests=request).traces[0].response
    again = simulate(api=imported, stage=stage, requests=request).traces[0].response
    assert (again.status, again.body) == (original.status, original.body) == (200, b'{"version": "v1"}')


def test_import_reports_what_it_ignores() -> None:
    """Nothing is silently dropped: servers, schemas, unknown integration keys are reported by pointer."""
    document = export_openapi(DEMO_REST_API)
    document["servers"] = [{"url": "https://example.org"}]
    document.setdefault("components", {})["schemas"] = {"Pet": {"type": "object"}}
    document["paths"]["/hello"]["get"]["x-amazon-apigateway-integration"]["connectionType"] = "VPC_LINK"
    document["paths"]["/hello"]["get"]["tags"] = ["pets"]
    _, ignored = import_openapi(document, api_id="x")
    where = {item["at"] for item in ignored}
    assert {"/servers", "/components/schemas", "/paths/~1hello/get/tags",
            "/paths/~1hello/get/x-amazon-apigateway-integration/connectionType"} <= where  # fmt: skip


@pytest.mark.parametrize(
    ("document", "pointer"),
    [
        ({"swagger": "2.0", "paths": {"/a": {}}}, "/openapi"),
        ({"openapi": "3.0.1", "paths": {}}, "/paths"),
        (
            {"openapi": "3.0.1", "paths": {"/a": {"get": {"responses": {}}}}},
            "/paths/~1a/get/x-amazon-apigateway-integration",
        ),
    ],
)
def test_unusable_documents_name_the_field(document: dict[str, Any], pointer: str) -> None:
    with pytest.raises(OpenApiError) as refused:
        import_openapi(document, api_id="x")
    assert pointer in [where for where, _ in refused.value.errors]


@pytest.mark.django_db
def test_management_commands_import_yaml_and_export_json(tmp_path: Path) -> None:
    """``openapi_import`` stores a YAML document as an API the live gateway serves; ``openapi_export`` writes it back."""
    source = tmp_path / "pets.yaml"
    source.write_text(yaml.safe_dump(export_openapi(DEMO_REST_API)), encoding="utf-8")
    call_command("openapi_import", str(source), "--api-id", "pets-imported", "--stage", "prod")
    record = ApiDefinitionRecord.objects.get(api_id="pets-imported")
    assert record.stage("prod") is not None and record.deployment_rows.exists()
    target = tmp_path / "out.json"
    call_command("openapi_export", "pets-imported", "--output", str(target))
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert set(exported["paths"]) == {r["path"] for r in DEMO_REST_API["resources"]}
