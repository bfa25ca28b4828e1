"""API keys and usage plans in the builder (issue 12; GATEWAY_FACTS.md §3.3), served by the live gateway.

A plan limits each of its keys on its stages; a key may be in one plan per stage; a missing or
disabled key on a method with ``apiKeyRequired`` is 403 Forbidden and a spent quota is 429
``{"message":"Limit Exceeded"}``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from gateway_lab.livegw import builder, http_app
from gateway_lab.livegw.builder import BuilderError, PlanSettings, StaleError
from tests.livegw.asgi_call import call

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def _pets() -> builder.ApiDefinitionRecord:
    return builder.api_create(api_id="pets", kind="REST", name="Pets")


def test_a_created_key_has_a_40_character_alphanumeric_value_3_3() -> None:
    """§3.3: key values are 20-128 alphanumeric characters; the builder generates 40, like AWS."""
    _pets()
    record, key = builder.api_key_create(api_id="pets", name="acme", base_revision=1)
    assert re.fullmatch(r"[A-Za-z0-9]{40}", key["value"]) and key["enabled"] is True
    assert record.draft_revision == 2
    assert builder.access_block(record)["apiKeys"] == [key]
    _, other = builder.api_key_create(api_id="pets", name="beta", base_revision=2)
    assert other["value"] != key["value"] and other["id"] != key["id"]


def test_a_key_is_in_one_plan_per_stage_3_3() -> None:
    """§3.3: a key may be in many plans but only one plan per stage."""
    _pets()
    record, key = builder.api_key_create(api_id="pets", name="acme", base_revision=1)
    plan = PlanSettings(name="basic", quota_limit=5, stages=("prod",), keys=(key["id"],))
    record = builder.usage_plan_create(api_id="pets", plan=plan, base_revision=record.draft_revision)
    with pytest.raises(BuilderError) as refused:
        builder.usage_plan_create(
            api_id="pets", plan=PlanSettings(name="gold", stages=("prod",), keys=(key["id"],)),
            base_revision=record.draft_revision,
        )  # fmt: skip
    assert refused.value.errors[0][0] == "keys" and "one plan per stage" in refused.value.errors[0][1]
    with pytest.raises(BuilderError) as unknown:
        builder.usage_plan_create(
            api_id="pets", plan=PlanSettings(name="x", stages=("nope",), keys=("zzz",), quota_period="YEAR"),
            base_revision=record.draft_revision,
        )  # fmt: skip
    assert sorted(field for field, _ in unknown.value.errors) == ["keys", "quota_period", "stages"]


def test_deleting_a_key_removes_it_from_its_plans_and_stale_forms_are_refused() -> None:
    _pets()
    record, key = builder.api_key_create(api_id="pets", name="acme", base_revision=1)
    record = builder.usage_plan_create(
        api_id="pets", plan=PlanSettings(name="basic", stages=("prod",), keys=(key["id"],)), base_revision=2
    )
    with pytest.raises(StaleError):
        builder.api_key_delete(api_id="pets", key_id=key["id"], base_revision=2)
    record = builder.api_key_delete(api_id="pets", key_id=key["id"], base_revision=record.draft_revision)
    block = builder.access_block(record)
    assert block["apiKeys"] == [] and block["usagePlans"][0]["keys"] == []


def test_http_apis_have_no_keys_or_plans_1() -> None:
    """§1: usage plans and API keys are REST-only."""
    builder.api_create(api_id="shop", kind="HTTP", name="Shop")
    with pytest.raises(BuilderError) as refused:
        builder.api_key_create(api_id="shop", name="acme", base_revision=1)
    assert refused.value.errors[0][0] == "labAccess"


async def _get(path: str, key: str | None = None) -> tuple[int, dict[str, Any]]:
    headers = [("x-api-key", key)] if key else []
    response = await call(http_app.application, "GET", path, headers=headers)
    return response.status, json.loads(response.body)


async def test_keys_and_a_quota_made_in_the_pages_are_enforced_3_3(editor: Client) -> None:
    """§3.3: through the pages: a key, a plan (quota 2/day, key required on every method, which is a
    method setting and so is deployed): no key → 403 Forbidden, two requests → 200, the third → 429
    Limit Exceeded. Keys are account resources: disabling one applies at once, without a Deploy."""
    post = sync_to_async(editor.post)
    await sync_to_async(_pets)()
    made = await post("/gw-apis/pets/access", {"op": "create-key", "name": "acme", "revision": 1})
    assert made.status_code == 200 and made["HX-Trigger"] == "draft-saved"
    html = made.content.decode()
    value = re.search(r'data-testid="created-key">[^<]*<code>([A-Za-z0-9]{40})</code>', html).group(1)
    assert 'hx-swap-oob="true"' in html and "&quot;labAccess&quot;" in html  # the draft, with its new text
    record = await sync_to_async(builder.api_get)("pets")
    key_id = builder.access_block(record)["apiKeys"][0]["id"]
    plan = {"op": "create-plan", "name": "basic", "quota_limit": 2, "quota_period": "DAY", "stages": ["prod"],
            "keys": [key_id], "require_key": "on", "revision": record.draft_revision}  # fmt: skip
    assert (await post("/gw-apis/pets/access", plan)).status_code == 200
    record = await sync_to_async(builder.api_get)("pets")
    await sync_to_async(builder.api_deploy)(
        api_id="pets", stage_name="prod", base_revision=record.draft_revision
    )

    assert await _get("/gw/pets/prod/hello") == (403, {"message": "Forbidden"})
    assert [(await _get("/gw/pets/prod/hello", value))[0] for _ in range(2)] == [200, 200]
    assert await _get("/gw/pets/prod/hello", value) == (429, {"message": "Limit Exceeded"})

    record = await sync_to_async(builder.api_get)("pets")
    toggle = {"op": "action", "action": "toggle-key", "target": key_id, "revision": record.draft_revision}
    toggled = await post("/gw-apis/pets/access", toggle)
    assert toggled.status_code == 200 and "applies it now" in toggled.content.decode()
    assert await _get("/gw/pets/prod/hello", value) == (403, {"message": "Forbidden"})


async def test_new_keys_and_plans_apply_without_a_deploy_3_3(editor: Client) -> None:
    """§3.3: API keys and usage plans belong to the account, not to a deployment: once a stage's methods
    require a key, a key made afterwards and a plan for it work at once, and a deleted key stops at once."""
    post = sync_to_async(editor.post)
    await sync_to_async(_pets)()
    record = await sync_to_async(builder.api_get)("pets")
    first = {"op": "create-plan", "name": "gate", "quota_limit": 100, "quota_period": "DAY", "stages": ["prod"],
             "require_key": "on", "revision": record.draft_revision}  # fmt: skip
    assert (await post("/gw-apis/pets/access", first)).status_code == 200
    record = await sync_to_async(builder.api_get)("pets")
    await sync_to_async(builder.api_deploy)(
        api_id="pets", stage_name="prod", base_revision=record.draft_revision
    )
    assert await _get("/gw/pets/prod/hello") == (403, {"message": "Forbidden"})

    made = await post(
        "/gw-apis/pets/access", {"op": "create-key", "name": "late", "revision": record.draft_revision}
    )
    assert "It applies now" in made.content.decode()
    value = re.search(
        r'data-testid="created-key">[^<]*<code>([A-Za-z0-9]{40})</code>', made.content.decode()
    ).group(1)
    assert (await _get("/gw/pets/prod/hello", value))[0] == 403  # a key in no plan of this stage (§3.3)
    record = await sync_to_async(builder.api_get)("pets")
    key_id = builder.access_block(record)["apiKeys"][0]["id"]
    plan = {"op": "create-plan", "name": "late", "quota_limit": 1, "quota_period": "DAY", "stages": ["prod"],
            "keys": [key_id], "revision": record.draft_revision}  # fmt: skip
    assert (await post("/gw-apis/pets/access", plan)).status_code == 200
    assert (await _get("/gw/pets/prod/hello", value))[0] == 200
    assert await _get("/gw/pets/prod/hello", value) == (429, {"message": "Limit Exceeded"})

    record = await sync_to_async(builder.api_get)("pets")
    delete = {"op": "action", "action": "delete-key", "target": key_id, "revision": record.draft_revision}
    assert (await post("/gw-apis/pets/access", delete)).status_code == 200
    assert await _get("/gw/pets/prod/hello", value) == (403, {"message": "Forbidden"})
    assert (
        len(await sync_to_async(builder.deployment_list)(await sync_to_async(builder.api_get)("pets"))) == 1
    )


def test_access_form_errors_are_400_with_fields_and_learners_403(editor: Client) -> None:
    _pets()
    empty = editor.post("/gw-apis/pets/access", {"op": "create-key", "revision": 1})
    assert empty.status_code == 400 and "name" in empty.content.decode()
    bad = editor.post(
        "/gw-apis/pets/access",
        {"op": "create-plan", "name": "p", "rate": 5, "stages": ["prod"], "revision": 1},
    )
    assert bad.status_code == 400 and "Set both rate and burst" in bad.content.decode()
    stale = editor.post(
        "/gw-apis/pets/access", {"op": "action", "action": "delete-plan", "target": "x", "revision": 9}
    )
    assert stale.status_code == 409
    assert builder.api_get("pets").draft_revision == 1
    learner = Client()
    learner.force_login(get_user_model().objects.create_user("learner"))
    assert (
        learner.post("/gw-apis/pets/access", {"op": "create-key", "name": "x", "revision": 1}).status_code
        == 403
    )


def test_zh_hans_access_panel(editor: Client) -> None:
    _pets()
    builder.usage_plan_create(
        api_id="pets", plan=PlanSettings(name="p", quota_limit=5, stages=("prod",)), base_revision=1
    )
    editor.cookies["django_language"] = "zh-hans"
    page = editor.get("/gw-apis/pets/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "API 密钥和使用计划" in page and "创建 API 密钥" in page and "每天 5 次" in page
    assert "密钥名称：</label>" in page  # Chinese form labels end with a full-width colon
