"""Template injection through the public front ends (issue 16, §6.4, §5.2).

``POST /api/v1/simulations`` accepts any API definition, so the whole injection corpus of
``tests/engine/integrations/test_vtl_sandbox.py`` goes in as mapping templates of a MOCK integration,
in the request and in the response template. The visualizer builder accepts no templates (only presets'
own, and a ``body`` field): there the payloads travel as request data into a preset's
``$input.body`` template, which must pass them through as text.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest

from tests.engine.integrations.test_vtl_sandbox import CORPUS, TIME_BOUND_S, assert_inert

URL = "/api/v1/simulations"
CLIENT_ERROR = '{"message": "Internal server error"}'  # §5.2: API_CONFIGURATION_ERROR's body


def _mock_api(*, request_template: str, response_template: str) -> dict:
    return {
        "id": "vtl",
        "name": "vtl",
        "protocolType": "REST",
        "region": "us-east-1",
        "endpointConfiguration": {"types": ["REGIONAL"]},
        "resources": [
            {
                "path": "/t",
                "resourceMethods": {
                    "POST": {
                        "authorizationType": "NONE",
                        "methodIntegration": {
                            "type": "MOCK",
                            "requestTemplates": {"application/json": request_template},
                            "integrationResponses": {
                                "200": {
                                    "statusCode": "200",
                                    "responseTemplates": {"application/json": response_template},
                                }
                            },
                        },
                    }
                },
            }
        ],
    }


def _simulate(api_client, api: dict) -> tuple[int, str, float]:
    started = time.monotonic()
    response = api_client.post(
        URL,
        {
            "api": api,
            "requests": [
                {
                    "method": "POST",
                    "path": "/t",
                    "headers": {"Content-Type": "application/json"},
                    "body": '{"a": 1, "items": [1, 2, 3]}',
                }
            ],
        },
        format="json",
    )
    return response.status_code, response.content.decode(), time.monotonic() - started


@pytest.mark.parametrize("position", ["request", "response"])
@pytest.mark.parametrize(("name", "template"), CORPUS, ids=[name for name, _ in CORPUS])
def test_vtl_injection_simulations_api_answers_inert_text_or_a_configuration_error(
    api_client, name: str, template: str, position: str
) -> None:
    """Issue 16/§5.2: a hostile template never runs code, never shows a Python object, never answers
    500 from the site and never hangs: the simulated request gets the template's text or API Gateway's
    500 ``Internal server error`` with the mapping template error in the trace."""
    ok = '{"statusCode": 200}'
    api = (
        _mock_api(request_template=template, response_template="done")
        if position == "request"
        else _mock_api(request_template=ok, response_template=template)
    )
    status, text, elapsed = _simulate(api_client, api)
    assert_inert(text)
    assert elapsed < TIME_BOUND_S + 2, f"{name} took {elapsed:.2f} s"
    assert status in (200, 400), f"{name}: the site answered {status}"
    if status == 400:  # refused before simulating (e.g. the request is too large): JSON field errors
        assert isinstance(json.loads(text), dict)
        return
    result = json.loads(text)["results"][0]
    if result["status"] == 500:
        assert result["response"]["body"] == CLIENT_ERROR
        failed = [s for s in result["trace"]["steps"] if s["outcome"] == "error"]
        assert failed and "Mapping template error" in failed[0]["detail"]["log"]
        assert failed[0]["detail"]["error"] == "API_CONFIGURATION_ERROR"


def test_vtl_injection_simulations_api_still_renders_aws_templates(api_client) -> None:
    """§6.4: a legitimate response template renders through the API exactly as before."""
    template = '{"stage": "$context.stage", "n": $input.params().size()}'
    status, text, _ = _simulate(
        api_client, _mock_api(request_template='{"statusCode": 200}', response_template=template)
    )
    result = json.loads(text)["results"][0]
    assert status == 200 and result["status"] == 200
    assert json.loads(result["response"]["body"]) == {"stage": "prod", "n": 3}


@pytest.mark.parametrize(("name", "payload"), CORPUS[:40], ids=[name for name, _ in CORPUS[:40]])
@pytest.mark.django_db
def test_vtl_injection_visualizer_body_reaches_templates_as_text(client, name: str, payload: str) -> None:
    """Issue 16: the visualizer builder takes no templates; a payload sent as the request body of the
    SQS preset (``MessageBody=$input.body``, §6.4) is mapped as text, not evaluated."""
    query = urlencode({"preset": "sqs-async-decoupling", "body": payload[:16_384]})
    response = client.get(f"/visualizer/export.json?{query}")
    assert response.status_code == 200
    text = response.content.decode()
    assert_inert(text)
    trace = json.loads(text)
    mapped = [
        s["detail"].get("request_mapping", {}).get("mapped")
        for s in trace["steps"]
        if s["stage"] == "integration"
    ]
    assert mapped and mapped[0] == "Action=SendMessage&MessageBody=" + payload[:16_384]
