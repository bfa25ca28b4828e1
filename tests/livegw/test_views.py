"""Demo pages and the seed command (DESIGN.md contracts; GATEWAY_FACTS.md §9)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from gateway_lab.livegw.models import ApiDefinitionRecord
from gateway_lab.livegw.services import connections_token, demo_credentials

pytestmark = pytest.mark.django_db


def test_demo_page_renders(client, settings) -> None:
    """§9: the demo page shows how to connect and push with curl, with the lab token."""
    settings.DEBUG = True
    response = client.get(reverse("livegw:demo"))
    assert response.status_code == 200
    assert connections_token() in response.content.decode()
    assert b"python -m websockets ws://" in response.content


def test_demo_page_shows_sigv4_credentials(client, settings) -> None:
    """§7.1, §9: a learner's own server (DEBUG on) shows a boto3 snippet signing with demo-ws's lab IAM user."""
    settings.DEBUG = True
    key_id, secret = demo_credentials()
    page = client.get(reverse("livegw:demo")).content.decode()
    assert f'aws_access_key_id="{key_id}"' in page and f'aws_secret_access_key="{secret}"' in page


def test_connections_fragment_renders(client) -> None:
    """§9: the connection inspector fragment renders without connections."""
    response = client.get(reverse("livegw:connections-list", args=["demo-ws", "prod"]))
    assert response.status_code == 200 and b"<html" not in response.content


def test_prices_returns_tick(client) -> None:
    """§9: the polling side of the comparison answers the current tick."""
    assert client.get(reverse("livegw:prices")).json()["type"] == "tick"


def test_seed_demo_creates_three_apis() -> None:
    """§1.1: seed_demo creates demo-rest, demo-http and demo-ws."""
    call_command("seed_demo", stdout=None)
    assert sorted(ApiDefinitionRecord.objects.values_list("api_id", flat=True)) == [
        "demo-http",
        "demo-rest",
        "demo-ws",
    ]


def test_seed_demo_is_idempotent() -> None:
    """§8: running seed_demo twice keeps one record per API."""
    call_command("seed_demo")
    call_command("seed_demo")
    assert ApiDefinitionRecord.objects.count() == 3


def test_seed_demo_rest_has_prod_and_dev() -> None:
    """§8: demo-rest has stages prod and dev."""
    call_command("seed_demo")
    record = ApiDefinitionRecord.objects.get(api_id="demo-rest")
    assert record.stage("prod") and record.stage("dev")


def test_demo_page_hides_the_connections_credentials_from_anonymous_visitors_in_production(client, settings):
    """@connections must never be open to anyone (issue 7): a public server shows no lab secrets."""
    from gateway_lab.livegw import services

    settings.DEBUG = False
    html = client.get("/ws-demo/").content.decode()
    assert services.connections_token() not in html
    assert services.demo_credentials()[1] not in html
    assert 'data-testid="credentials-hidden"' in html


def test_demo_page_shows_the_credentials_to_staff(admin_client, settings):
    from gateway_lab.livegw import services

    settings.DEBUG = False
    html = admin_client.get("/ws-demo/").content.decode()
    assert services.connections_token() in html
