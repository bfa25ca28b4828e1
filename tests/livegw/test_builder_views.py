"""The API builder's pages per role (issue 12): staff and API editors build; learners 403; anonymous sign in."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from gateway_lab.livegw import builder

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(db) -> dict[str, Client]:  # type: ignore[no-untyped-def]
    model = get_user_model()
    staff = model.objects.create_user("staff", is_staff=True)
    editor = model.objects.create_user("editor")
    editor.user_permissions.add(Permission.objects.get(codename="change_apidefinitionrecord"))
    learner = model.objects.create_user("learner")
    clients = {"anonymous": Client()}
    for name, user in (("staff", staff), ("editor", editor), ("learner", learner)):
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


@pytest.fixture
def pets(db) -> builder.ApiDefinitionRecord:  # type: ignore[no-untyped-def]
    return builder.api_create(api_id="pets", kind="REST", name="Pets")


PAGES = ["/gw-apis/", "/gw-apis/pets/", "/gw-apis/pets/diff", "/gw-apis/pets/releases"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_each_role(users, pets, path: str) -> None:  # type: ignore[no-untyped-def]
    got = {role: client.get(path).status_code for role, client in users.items()}
    assert got == {"anonymous": 302, "learner": 403, "staff": 200, "editor": 200}


@pytest.mark.parametrize("action", ["deploy", "rollback", "promote", "stages"])
def test_actions_refuse_learners_and_anonymous(users, pets, action: str) -> None:  # type: ignore[no-untyped-def]
    assert users["anonymous"].post(f"/gw-apis/pets/{action}", {}).status_code == 302
    assert users["learner"].post(f"/gw-apis/pets/{action}", {}).status_code == 403
    assert users["editor"].post(f"/gw-apis/pets/{action}", {}).status_code == 400


def test_create_then_edit_an_api(users) -> None:  # type: ignore[no-untyped-def]
    response = users["editor"].post("/gw-apis/", {"api_id": "shop", "name": "Shop", "kind": "HTTP"})
    assert response.status_code == 302 and response["Location"] == "/gw-apis/shop/"
    page = users["editor"].get("/gw-apis/shop/").content.decode()
    assert "&quot;routeKey&quot;: &quot;GET /hello&quot;" in page and "$default" in page
    again = users["editor"].post("/gw-apis/", {"api_id": "shop", "name": "Shop", "kind": "HTTP"})
    assert again.status_code == 400 and b"api_id" in again.content


def test_saving_a_bad_draft_is_400_with_the_engine_field_named(users, pets) -> None:  # type: ignore[no-untyped-def]
    bad = {
        **pets.definition,
        "resources": [{"path": "/x", "resourceMethods": {"GET": {"methodIntegration": {"type": "NOPE"}}}}],
    }
    response = users["staff"].post(
        "/gw-apis/pets/",
        {"definition": json.dumps(bad), "revision": 1},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="draft",
    )
    assert response.status_code == 400
    assert b'data-testid="error-field">definition.' in response.content
    assert builder.api_get("pets").draft_revision == 1


def test_saving_yaml_draft_then_deploy_then_diff(users, pets) -> None:  # type: ignore[no-untyped-def]
    client = users["staff"]
    yaml_text = "id: pets\nname: Pets v2\nprotocolType: REST\nregion: us-east-1\nresources: []\n"
    assert client.post("/gw-apis/pets/", {"definition": yaml_text, "revision": 1}).status_code == 200
    assert builder.api_get("pets").definition["name"] == "Pets v2"
    stale = client.post("/gw-apis/pets/", {"definition": yaml_text, "revision": 1})
    assert stale.status_code == 409
    response = client.post("/gw-apis/pets/deploy", {"stage": "prod", "description": "v2", "revision": 2})
    assert response.status_code == 200 and b'data-testid="notice"' in response.content
    row = builder.api_get("pets").deployment_rows.get()
    assert row.created_by == "staff" and row.description == "v2"
    diff = client.get(f"/gw-apis/pets/diff?a=draft&b={row.deployment_id}")
    assert diff.status_code == 200 and b"diff-same" in diff.content
    missing = client.get(
        "/gw-apis/pets/diff?a=nope&b=draft", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="diff-lines"
    )
    assert missing.status_code == 400 and b"<html" not in missing.content


def test_stage_settings_form_saves_and_reports_field_errors(users, pets) -> None:  # type: ignore[no-untyped-def]
    client = users["staff"]
    etag = builder.stage_etag(pets.stage("prod"))
    ok = client.post(
        "/gw-apis/pets/stages",
        {"stage": "prod", "etag": etag, "throttling_rate": "5", "throttling_burst": "10", "cache_size": "0.5",
         "variables": "version=v1", "canary_percent": "10", "canary_overrides": "version=v2"},
    )  # fmt: skip
    assert ok.status_code == 200
    stage = builder.api_get("pets").stage("prod")
    assert stage["variables"] == {"version": "v1"} and stage["canarySettings"]["percentTraffic"] == 10.0
    half = client.post("/gw-apis/pets/stages", {"stage": "prod", "throttling_rate": "5", "cache_size": "0.5"})
    assert half.status_code == 400 and b"throttling_burst" in half.content
    stale = client.post("/gw-apis/pets/stages", {"stage": "prod", "etag": etag, "cache_size": "0.5"})
    assert stale.status_code == 409


def test_rollback_and_promote_through_the_pages(users, pets) -> None:  # type: ignore[no-untyped-def]
    client = users["editor"]
    first = builder.api_deploy(api_id="pets", stage_name="prod", base_revision=1)
    builder.api_deploy(api_id="pets", stage_name="prod", base_revision=1)
    etag = builder.stage_etag(builder.api_get("pets").stage("prod"))
    response = client.post(
        "/gw-apis/pets/rollback", {"stage": "prod", "etag": etag, "deployment": first.deployment_id}
    )
    assert response.status_code == 200
    assert builder.api_get("pets").stage("prod")["deploymentId"] == first.deployment_id
    etag = builder.stage_etag(builder.api_get("pets").stage("prod"))
    none = client.post("/gw-apis/pets/promote", {"stage": "prod", "etag": etag})
    assert none.status_code == 400 and b"Canary does not exist" in none.content


def test_builder_pages_fit_a_phone_and_carry_no_inline_script(users, pets) -> None:  # type: ignore[no-untyped-def]
    """No inline scripts (CSP); the stylesheet wraps every grid (checked in the browser test at 390 px)."""
    page = users["staff"].get("/gw-apis/pets/").content.decode()
    assert "<script>" not in page and " onclick=" not in page
    assert "css/builder.css" in page


def test_zh_hans_translation_of_the_builder(users, pets) -> None:  # type: ignore[no-untyped-def]
    client = users["staff"]
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/gw-apis/pets/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "部署" in page and "草稿" in page


def test_create_with_an_empty_post_is_400_with_field_errors(users) -> None:  # type: ignore[no-untyped-def]
    """An empty POST is a bound form with errors (not the blank page a GET shows)."""
    response = users["editor"].post("/gw-apis/", {})
    assert response.status_code == 400 and b"api_id" in response.content
