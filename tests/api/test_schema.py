"""The OpenAPI schema, the docs page, and a schemathesis run that must find no server error."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error


def test_schema_describes_the_three_operations(client):
    """§10: the API documents simulations and presets (OpenAPI 3)."""
    schema = client.get("/api/v1/schema/?format=json").json()
    assert {"/api/v1/simulations", "/api/v1/presets", "/api/v1/presets/{name}"} <= set(schema["paths"])


def test_docs_page_loads_swagger_from_this_origin(client):
    """§10: the docs page loads nothing from another origin (sidecar assets)."""
    html = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "https://" not in html.split("<body", 1)[1].split("url:", 1)[0]


# pytest-django has configured Django by collection time, so the WSGI app can load the schema here.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


# More examples for a deeper hunt: SCHEMATHESIS_EXAMPLES=1000 .venv/bin/python -m pytest tests/api/test_schema.py
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "40"))


@pytest.fixture
def no_rate_limit(settings):
    """The per-client limit would answer most examples with 429: turn it off to reach the engine."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"simulations": "off"}}


# django_db: Django's request_started signal checks the DB connection a database test may have left open.
@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_answers_with_a_server_error(case, no_rate_limit):
    """§5.2: whatever a client sends, the API answers 2xx/4xx, never 5xx."""
    case.call_and_validate(checks=[not_a_server_error])
