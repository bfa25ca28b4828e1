"""The site on a real PostgreSQL server (DATABASE_URL; run by `make test`'s PostgreSQL pass)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_database_url_selects_postgresql():
    assert connection.vendor == "postgresql"


def test_healthz_checks_postgresql(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"
