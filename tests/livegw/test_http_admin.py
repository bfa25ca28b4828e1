"""Stored APIs in the Django admin (issue 12): the engine checks the JSON; a save reaches the live gateway."""

from __future__ import annotations

import json

import pytest

from gateway_lab.livegw.admin import ApiDefinitionForm
from gateway_lab.livegw.demo_apis import DEMO_REST_API, DEMO_REST_STAGES

pytestmark = pytest.mark.django_db


def test_admin_form_accepts_the_demo_api() -> None:
    form = ApiDefinitionForm(
        data={
            "api_id": "copy",
            "definition": json.dumps(DEMO_REST_API),
            "stages": json.dumps(DEMO_REST_STAGES),
        }  # fmt: skip
    )
    assert form.is_valid(), form.errors


def test_admin_form_refuses_a_bad_stage_with_the_field_named() -> None:
    """Bad input → a form error naming the field (never a 500)."""
    stages = [{"stageName": "prod", "cacheClusterSize": "3"}]
    form = ApiDefinitionForm(data={"api_id": "bad", "definition": DEMO_REST_API, "stages": stages})
    assert not form.is_valid()
    assert "cacheClusterSize" in str(form.errors)


def test_admin_changelist_lists_stored_apis(admin_client) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    page = admin_client.get("/admin/livegw/apidefinitionrecord/")
    assert page.status_code == 200
    assert b"demo-rest" in page.content


def test_admin_form_refuses_a_stage_pointing_at_an_unknown_deployment() -> None:
    """§8: a stage serves a deployment of its own API; the admin cannot point it elsewhere."""
    from django.core.management import call_command

    from gateway_lab.livegw.models import ApiDefinitionRecord

    call_command("seed_demo", verbosity=0)
    record = ApiDefinitionRecord.objects.get(api_id="demo-rest")
    known = record.deployment_rows.get().deployment_id
    for deployment_id, valid in ((known, True), ("zzz999", False)):
        stages = [{"stageName": "prod", "deploymentId": deployment_id}]
        form = ApiDefinitionForm(
            data={
                "api_id": "demo-rest",
                "definition": json.dumps(DEMO_REST_API),
                "stages": json.dumps(stages),
            },
            instance=record,
        )
        assert form.is_valid() is valid, form.errors
    assert "zzz999" in str(form.errors)
