"""Issue 13 in Chromium: two editors on one page see each other, the second save gets the merge view
with its text kept, and the history page swaps in a diff between any two revisions (htmx)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from gateway_lab.lessons.roles import role_set, roles_ensure
from gateway_lab.lessons.services.revisions import lesson_create
from tests.conftest import PageWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "wiki-editing-browser-test"
BODY = "## Steps\n\nRestart the stage.\n\nCheck the logs.\n"


def _setup() -> None:
    roles_ensure()
    for name in ("ann", "ben"):
        user = get_user_model().objects.create_user(name, password=PASSWORD)
        role_set(actor=None, user=user, roles=["editor"])
    lesson_create(slug="runbook", language="en", title="Runbook", body=BODY, author=None)


def _editor(chromium: Any, asgi_server: Any, name: str) -> Any:
    context = chromium.new_context(base_url=asgi_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.watch = PageWatch(page, asgi_server.url)
    page.goto("/accounts/login/?next=/lessons/runbook/edit/%3Flang%3Den")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.locator("[data-testid=login-form] [type=submit]").click()
    page.get_by_test_id("wiki-edit-form").wait_for()
    return page


def test_two_editors_presence_conflict_merge_and_diff(chromium: Any, asgi_server: Any) -> None:
    _setup()
    ann = _editor(chromium, asgi_server, "ann")
    ben = _editor(chromium, asgi_server, "ben")
    try:
        ann.wait_for_selector("#wiki-presence[data-editors=ben]")
        ben.wait_for_selector("#wiki-presence[data-editors=ann]")
        assert "ben" in ann.get_by_test_id("wiki-presence").inner_text()

        ann.get_by_test_id("wiki-body").fill(BODY.replace("Restart the stage.", "Redeploy the stage."))
        ann.get_by_test_id("wiki-preview").get_by_text("Redeploy the stage.").wait_for()  # live preview
        ann.get_by_test_id("wiki-save").click()
        ann.get_by_test_id("lesson").get_by_text("Redeploy the stage.").wait_for()

        ben.get_by_test_id("wiki-body").fill(BODY.replace("Check the logs.", "Check the access logs."))
        ben.get_by_test_id("wiki-save").click()
        ben.get_by_test_id("wiki-conflict").wait_for()  # refused: nothing overwritten
        assert "Check the access logs." in ben.get_by_test_id("wiki-body").input_value()  # text kept
        merge = ben.get_by_test_id("wiki-merge")
        assert "Redeploy the stage." in merge.inner_text() and "Check the access logs." in merge.inner_text()
        ben.get_by_text("Save both changes (they do not overlap)").click()
        lesson = ben.get_by_test_id("lesson")
        lesson.get_by_text("Redeploy the stage.").wait_for()
        lesson.get_by_text("Check the access logs.").wait_for()

        ben.goto("/lessons/runbook/history/?lang=en")
        ben.locator("tr[data-revision='1'] input[name=a]").check()
        ben.locator("tr[data-revision='3'] input[name=b]").check()
        ben.get_by_role("button", name="Compare").click()
        result = ben.get_by_test_id("wiki-diff").get_by_test_id("wiki-diff-result")
        result.wait_for()
        assert ben.url.endswith("/lessons/runbook/history/?lang=en")  # swapped in, not a new page
        assert "Check the access logs." in result.inner_text() and "Check the logs." in result.inner_text()
        for page in (ann, ben):  # the refused save is a 409 by design; nothing else went wrong
            errors = [e for e in page.watch.console_errors if "409 (Conflict)" not in e]
            assert errors == [] and page.watch.foreign_requests == []
    finally:
        ann.context.close()
        ben.context.close()
