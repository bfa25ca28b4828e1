"""Deleting a stage or a whole API from the builder (issue 12): what stops answering, what stays, what goes.

AWS's DeleteStage leaves the API's deployments (another stage can serve them); DeleteRestApi removes
everything. A REST API answers a stage that does not exist with 403 Missing Authentication Token
(GATEWAY_FACTS.md §5.2), and an API nobody has with 404.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from gateway_lab.livegw import builder, http_app
from gateway_lab.livegw.builder import BuilderError, StaleError
from gateway_lab.livegw.models import ApiDeployment
from gateway_lab.livegw.request_log import request_log
from tests.livegw.asgi_call import call

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def _pets_with_two_stages() -> None:
    builder.api_create(api_id="pets", kind="REST", name="Pets")
    builder.api_deploy(api_id="pets", stage_name="prod", base_revision=1)
    builder.api_deploy(api_id="pets", stage_name="dev", base_revision=1)


async def _get(url: str) -> tuple[int, dict[str, Any]]:
    response = await call(http_app.application, "GET", url)
    return response.status, json.loads(response.body or b"null")


async def test_a_deleted_stage_answers_403_missing_authentication_token_5_2() -> None:
    """§5.2: after DeleteStage the stage's URL is an unknown stage; the other stage and deployments stay."""
    await sync_to_async(_pets_with_two_stages)()
    assert (await _get("/gw/pets/dev/hello"))[0] == 200
    etag = builder.stage_etag((await sync_to_async(builder.api_get)("pets")).stage("dev"))
    await sync_to_async(builder.stage_delete)(api_id="pets", stage_name="dev", etag=etag)
    status, body = await _get("/gw/pets/dev/hello")
    assert (status, body) == (403, {"message": "Missing Authentication Token"})
    assert (await _get("/gw/pets/prod/hello"))[0] == 200
    assert await ApiDeployment.objects.filter(api__api_id="pets").acount() == 2


def test_deleting_a_stage_from_a_stale_page_is_refused() -> None:
    """A stage changed since the page was opened (another deploy) is not deleted: 409, reload."""
    _pets_with_two_stages()
    stale = builder.stage_etag(builder.api_get("pets").stage("dev"))
    builder.api_deploy(api_id="pets", stage_name="dev", base_revision=1)
    with pytest.raises(StaleError):
        builder.stage_delete(api_id="pets", stage_name="dev", etag=stale)
    assert builder.api_get("pets").stage("dev") is not None
    with pytest.raises(BuilderError):
        builder.stage_delete(api_id="pets", stage_name="nope", etag=None)


async def test_deleting_an_api_needs_its_id_and_takes_deployments_and_log_with_it() -> None:
    """DeleteRestApi: nothing goes unless the id is typed again; then the URL is a 404 and the log is empty."""
    await sync_to_async(_pets_with_two_stages)()
    await _get("/gw/pets/prod/hello")
    assert request_log().rows("pets")
    with pytest.raises(BuilderError) as refused:
        await sync_to_async(builder.api_delete)(api_id="pets", confirm="pet")
    assert refused.value.errors[0][0] == "confirm"
    assert await sync_to_async(builder.api_get)("pets") is not None
    await sync_to_async(builder.api_delete)(api_id="pets", confirm=" pets ")
    assert await sync_to_async(builder.api_get)("pets") is None
    assert await ApiDeployment.objects.filter(api__api_id="pets").acount() == 0
    assert request_log().rows("pets") == []
    assert await _get("/gw/pets/prod/hello") == (404, {"message": "Not Found"})


def test_delete_pages_confirm_refuse_a_wrong_id_then_delete(editor: Client) -> None:
    _pets_with_two_stages()
    page = editor.get("/gw-apis/pets/delete")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2 deployments" in text and "dev, prod" in text and 'name="confirm"' in text
    wrong = editor.post("/gw-apis/pets/delete", {"confirm": "dogs"})
    assert wrong.status_code == 400 and "Type the API id, pets, to delete it." in wrong.content.decode()
    assert builder.api_get("pets") is not None
    empty = editor.post("/gw-apis/pets/delete", {})
    assert empty.status_code == 400 and builder.api_get("pets") is not None
    done = editor.post("/gw-apis/pets/delete", {"confirm": "pets"})
    assert done.status_code == 302 and done["Location"] == "/gw-apis/"
    assert "API pets deleted." in editor.get("/gw-apis/").content.decode()
    assert editor.get("/gw-apis/pets/").status_code == 404


def test_stage_delete_through_the_releases_fragment(editor: Client) -> None:
    _pets_with_two_stages()
    etag = builder.stage_etag(builder.api_get("pets").stage("dev"))
    response = editor.post(
        "/gw-apis/pets/stages/delete", {"stage": "dev", "etag": etag}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Stage dev deleted." in response.content.decode()
    assert 'data-stage="dev"' not in response.content.decode()
    stale = editor.post("/gw-apis/pets/stages/delete", {"stage": "prod", "etag": "0" * 16})
    assert stale.status_code == 409 and builder.api_get("pets").stage("prod") is not None


def test_learners_cannot_delete(editor: Client) -> None:
    _pets_with_two_stages()
    learner = Client()
    learner.force_login(get_user_model().objects.create_user("learner"))
    assert learner.post("/gw-apis/pets/delete", {"confirm": "pets"}).status_code == 403
    assert learner.post("/gw-apis/pets/stages/delete", {"stage": "dev", "etag": "x"}).status_code == 403
    assert builder.api_get("pets").stage("dev") is not None


def test_zh_hans_delete_page(editor: Client) -> None:
    _pets_with_two_stages()
    editor.cookies["django_language"] = "zh-hans"
    text = editor.get("/gw-apis/pets/delete", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "此操作无法撤销" in text and "草稿、2 个部署和请求日志会一并删除。" in text
    edit = editor.get("/gw-apis/pets/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "删除此 API" in edit and "删除阶段" in edit
