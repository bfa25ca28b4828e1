"""The API builder in a real browser (issue 12, GATEWAY_FACTS §8): deploy → diff → rollback, served live."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password-1"
MOCK = {"authorizationType": "NONE", "methodIntegration": {
    "type": "MOCK", "requestTemplates": {"application/json": "{\"statusCode\": 200}"},
    "integrationResponses": {"200": {"statusCode": "200", "responseTemplates": {"application/json": "{\"v\": 2}"}}}}}  # fmt: skip


def _status_becomes(page: Any, path: str, wanted: int) -> None:
    """The live gateway (another process) sees a stage change within its 1 s recheck."""
    deadline = time.monotonic() + 5
    status = None
    while time.monotonic() < deadline:
        status = page.request.get(path).status
        if status == wanted:
            return
        time.sleep(0.2)
    raise AssertionError(f"{path}: {status}, wanted {wanted}")


def _sign_in_and_create_rest_api(page: Any, prefix: str) -> str:
    """Sign in as ``builder``, create a REST API with a fresh id from the list page, open it; return the id."""
    page.goto("/accounts/login/?next=/gw-apis/")
    page.fill("input[name=username]", "builder")
    page.fill("input[name=password]", PASSWORD)
    page.locator("[data-testid=login-form] [type=submit]").click()
    api_id = f"{prefix}-" + uuid.uuid4().hex[:8]
    form = page.get_by_test_id("create-form")
    form.locator("input[name=api_id]").fill(api_id)
    form.locator("select[name=kind]").select_option("REST")
    form.locator("[type=submit]").click()
    page.wait_for_url(f"**/gw-apis/{api_id}/")
    return api_id


@pytest.mark.parametrize("width", [390, 1280])
def test_builder_deploy_diff_rollback_8(page: Any, width: int) -> None:
    """§8: Deploy freezes the draft and the stage serves it; the diff shows the change; rollback restores."""
    get_user_model().objects.create_user("builder", password=PASSWORD, is_staff=True)
    page.set_viewport_size({"width": width, "height": 900})
    api_id = _sign_in_and_create_rest_api(page, "b")

    # First deployment: the starter's /hello.
    page.get_by_test_id("deploy").click()
    expect(page.get_by_test_id("notice")).to_be_visible()
    first = page.get_by_test_id("stage-deployment").inner_text().strip()
    _status_becomes(page, f"/gw/{api_id}/prod/hello", 200)

    # Edit the draft: add GET /v (a mock); saving alone serves nothing new.
    area = page.locator("#draft textarea[name=definition]")
    definition = json.loads(area.input_value())
    definition["resources"].append({"path": "/v", "resourceMethods": {"GET": MOCK}})
    area.fill(json.dumps(definition, indent=2))
    page.get_by_test_id("draft-save").click()
    expect(page.get_by_test_id("draft-saved")).to_be_visible()
    assert page.request.get(f"/gw/{api_id}/prod/v").status == 403
    page.get_by_test_id("deploy").click()
    expect(page.get_by_test_id("stage-deployment")).not_to_have_text(first)
    second = page.get_by_test_id("stage-deployment").inner_text().strip()
    _status_becomes(page, f"/gw/{api_id}/prod/v", 200)

    # The diff between the two deployments shows the new resource.
    page.get_by_test_id("open-diff").click()
    page.get_by_test_id("diff-a").select_option(first)
    page.get_by_test_id("diff-b").select_option(second)
    page.get_by_test_id("diff-show").click()
    expect(page.locator("[data-testid=diff-lines] [data-kind=add]").first).to_be_visible()
    assert '"/v"' in page.get_by_test_id("diff-lines").inner_text()
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")

    # Roll prod back to the first deployment: /v is gone again, /hello still answers.
    page.goto(f"/gw-apis/{api_id}/")
    rollback = page.get_by_test_id("rollback-form")
    rollback.locator("select[name=deployment]").select_option(first)
    rollback.get_by_test_id("rollback").click()
    expect(page.get_by_test_id("stage-deployment")).to_have_text(first)
    _status_becomes(page, f"/gw/{api_id}/prod/v", 403)
    _status_becomes(page, f"/gw/{api_id}/prod/hello", 200)
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
    assert page.watch.foreign_requests == [] and page.watch.console_errors == []


def test_builder_deletes_a_stage_then_the_api_in_chinese(page: Any, asgi_server: Any) -> None:
    """DeleteStage (after the browser's confirm) → the stage answers 403 Missing Authentication Token
    (§5.2); deleting the API needs its id typed again, then its URL is a 404. In 简体中文, on a phone."""
    get_user_model().objects.create_user("builder", password=PASSWORD, is_staff=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": asgi_server.url}])
    api_id = _sign_in_and_create_rest_api(page, "d")
    page.get_by_test_id("deploy").click()
    expect(page.get_by_test_id("notice")).to_be_visible()
    _status_becomes(page, f"/gw/{api_id}/prod/hello", 200)

    dialogs: list[str] = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_test_id("stage-delete").click()
    expect(page.get_by_test_id("notice")).to_have_text("阶段 prod 已删除。")
    assert dialogs == ["删除阶段 prod？它的 URL 会在一秒内停止响应；它的部署会保留。"]
    _status_becomes(page, f"/gw/{api_id}/prod/hello", 403)
    assert page.request.get(f"/gw/{api_id}/prod/hello").json() == {"message": "Missing Authentication Token"}

    page.get_by_test_id("delete-api").click()
    page.wait_for_url(f"**/gw-apis/{api_id}/delete")
    expect(page.locator("h2#delete-title")).to_have_text("此操作无法撤销")
    page.locator("input[name=confirm]").fill("wrong")
    page.get_by_test_id("delete-confirm").click()
    expect(page.locator(".builder__errors")).to_contain_text(api_id)
    page.locator("input[name=confirm]").fill(api_id)
    page.get_by_test_id("delete-confirm").click()
    page.wait_for_url("**/gw-apis/")
    expect(page.locator(".messages")).to_contain_text(f"API {api_id} 已删除。")
    _status_becomes(page, f"/gw/{api_id}/prod/hello", 404)
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
    # The wrong id was answered 400 with its field error, which Chromium logs as a failed load.
    assert page.watch.foreign_requests == []
    assert [e for e in page.watch.console_errors if "status of 400" not in e] == []


@pytest.mark.parametrize(("width", "height"), [(390, 844), (640, 360)])  # a phone; 1280×720 at 200 % zoom
def test_builder_api_key_and_quota_in_chinese_3_3(
    page: Any, asgi_server: Any, width: int, height: int
) -> None:
    """§3.3 from the pages, in 简体中文: create a key, a plan (quota 1 per day, key required: a method
    setting, so deploy); no key → 403 Forbidden, the key → 200, then 429 Limit Exceeded."""
    get_user_model().objects.create_user("builder", password=PASSWORD, is_staff=True)
    page.set_viewport_size({"width": width, "height": height})
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": asgi_server.url}])
    api_id = _sign_in_and_create_rest_api(page, "k")

    expect(page.locator("#access-title")).to_have_text("API 密钥和使用计划")
    page.get_by_test_id("key-form").locator("input[name=name]").fill("班级")
    page.get_by_test_id("create-key").click()
    expect(page.get_by_test_id("access-notice")).to_have_text(
        "API 密钥 班级 已创建，立即生效：密钥属于账户，而不属于某次部署。"
    )
    value = page.get_by_test_id("created-key").locator("code").inner_text()
    assert (
        '"labAccess"' in page.locator("#draft textarea[name=definition]").input_value()
    )  # the draft was swapped too

    page.locator("#access summary").filter(has_text="新建使用计划").click()
    plan = page.get_by_test_id("plan-form")
    plan.locator("input[name=name]").fill("基础")
    plan.locator("input[name=quota_limit]").fill("1")
    plan.locator("input[name=stages][value=prod]").check()
    plan.locator("input[name=keys]").first.check()
    plan.locator("input[name=require_key]").check()
    page.get_by_test_id("create-plan").click()
    expect(page.get_by_test_id("plan")).to_contain_text("基础")
    expect(page.get_by_test_id("access-notice")).to_contain_text("要求密钥是方法设置：部署后才生效")
    page.get_by_test_id("deploy").click()
    expect(page.get_by_test_id("notice")).to_be_visible()
    _status_becomes(page, f"/gw/{api_id}/prod/hello", 403)
    assert page.request.get(f"/gw/{api_id}/prod/hello").json() == {"message": "Forbidden"}
    assert page.request.get(f"/gw/{api_id}/prod/hello", headers={"x-api-key": value}).status == 200
    spent = page.request.get(f"/gw/{api_id}/prod/hello", headers={"x-api-key": value})
    assert (spent.status, spent.json()) == (429, {"message": "Limit Exceeded"})
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
    assert page.watch.foreign_requests == [] and page.watch.console_errors == []
