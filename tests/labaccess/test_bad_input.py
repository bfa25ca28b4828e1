"""Bad bodies to the lab's JSON endpoints are Cognito-style 400s, never 500s or HTML (issue 16)."""

from __future__ import annotations

import pytest
from django.test import override_settings


@pytest.mark.parametrize("depth", [65, 1_000, 100_000])
@pytest.mark.parametrize("action", ["sign-in", "sign-up"])
def test_deeply_nested_json_is_a_400_issue16(client, pool, depth, action):
    """Issue 16: JSON nested 1,000+ levels raised RecursionError (500); now a 400 with a field error."""
    body = '{"username": ' + "[" * depth + "]" * depth + ', "password": "x"}'
    response = client.post(f"/lab/pools/{pool.pool_id}/{action}", data=body, content_type="application/json")
    assert response.status_code == 400
    data = response.json()
    assert data["__type"] == "InvalidParameterException"
    assert data["errors"] == {"username": ["JSON nested deeper than 64 levels."]}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_body_too_large_answers_json_not_html_issue16(client, pool):
    """Issue 16: a body over DATA_UPLOAD_MAX_MEMORY_SIZE answers Cognito-style JSON, not Django's HTML 400."""
    body = '{"username": "' + "u" * 5_000 + '", "password": "x"}'
    response = client.post(f"/lab/pools/{pool.pool_id}/sign-in", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"] == {"body": ["The request body is larger than 1000 bytes."]}
