"""Classroom mode in real browsers (issue 14): a presenter and two students in three contexts.

The presenter steps the visualizer and both students' frames follow; a poll's answers reach the
presenter's chart (and not the students'); a student who reloads is back in sync, answer included.
Every wait is on a flag the page sets (``body[data-seq]``, ``data-poll-total``…), never a sleep.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from gateway_lab.classroom import services
from gateway_lab.lessons.models import Drill
from tests.conftest import PageWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "classroom-browser-test"
PRESET = "rest-vs-http"


def _presenter_account() -> None:
    user = get_user_model().objects.create_user(username="teacher", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=services.PRESENTER_GROUP)[0])
    Drill.objects.create(
        drill_id="classroom-browser-drill",
        lesson_slug="performance",
        question={
            "en": "Which status does a throttled request get?",
            "zh-hans": "被限流的请求得到什么状态码？",
        },
        options=[
            {"text": {"en": "503"}, "correct": False, "explanation": {"en": "No."}},
            {"text": {"en": "429"}, "correct": True, "explanation": {"en": "429 Too Many Requests."}},
        ],
    )


def _new_page(chromium: Any, asgi_server: Any) -> Any:
    context = chromium.new_context(base_url=asgi_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.watch = PageWatch(page, asgi_server.url)
    return page


def _frame_step(page: Any, step: int) -> None:
    """Wait until the page's followed frame shows the visualizer at ``step``."""
    page.frame_locator("#follow-frame").locator(f"[data-testid=presenter][data-step='{step}']").wait_for()


def _join(page: Any, code: str, name: str) -> None:
    page.goto(f"/join/?code={code}")
    page.get_by_label("Your name").fill(name)
    page.get_by_test_id("join-submit").click()
    page.wait_for_selector("body[data-role=student][data-ws-connected=true]")


def test_classroom_presenter_drives_two_students_polls_and_a_reload_resyncs(
    chromium: Any, asgi_server: Any
) -> None:
    """Issue 14: follow mode, live poll results on the presenter's screen, and a reload back in sync."""
    _presenter_account()
    presenter, ada, grace = (_new_page(chromium, asgi_server) for _ in range(3))
    try:
        presenter.goto("/accounts/login/?next=/classroom/")
        presenter.fill("input[name=username]", "teacher")
        presenter.fill("input[name=password]", PASSWORD)
        presenter.locator("[data-testid=login-form] [type=submit]").click()
        presenter.get_by_test_id("open-room-submit").click()
        presenter.wait_for_selector("body[data-role=presenter][data-ws-connected=true]")
        code = presenter.get_by_test_id("join-code").inner_text().strip()
        assert presenter.get_by_test_id("qr").evaluate("img => img.complete && img.naturalWidth > 0")

        _join(ada, code, "Ada")
        _join(grace, code, "Grace")
        presenter.wait_for_selector("body[data-participants='2']")

        # Follow mode: the presenter shows a preset and steps twice; both students follow.
        presenter.get_by_test_id("preset").select_option(PRESET)
        presenter.get_by_test_id("show-preset").click()
        presenter.wait_for_selector("body[data-seq='1']")
        presenter.get_by_test_id("step-forward").click()
        presenter.wait_for_selector("body[data-seq='2']")
        presenter.get_by_test_id("step-forward").click()
        for page in (presenter, ada, grace):
            page.wait_for_selector("body[data-seq='3']")
            _frame_step(page, 3)

        # A drill poll: answers reach the presenter's chart live, not the other students.
        presenter.get_by_test_id("drill").select_option("classroom-browser-drill")
        presenter.get_by_test_id("ask-drill").click()
        for page in (ada, grace):
            page.wait_for_selector("body[data-seq='4'][data-poll]")
        ada.get_by_test_id("choice-1").click()
        ada.get_by_test_id("answered").wait_for()
        grace.get_by_test_id("choice-0").click()
        grace.get_by_test_id("answered").wait_for()
        presenter.wait_for_selector("body[data-poll-total='2']")
        chart = presenter.get_by_test_id("poll-chart")
        assert chart.locator("li[data-choice='1']").get_attribute("data-count") == "1"
        assert chart.locator("li[data-choice='0']").get_attribute("data-count") == "1"
        assert ada.get_by_test_id("poll-chart").count() == 0  # hidden from students until the reveal

        # Grace reloads: back at the same seq, the same step, her answer kept; then she follows on.
        grace.reload()
        grace.wait_for_selector("body[data-ws-connected=true][data-seq='4']")
        _frame_step(grace, 3)
        assert grace.get_by_test_id("choice-0").get_attribute("aria-pressed") == "true"
        assert grace.get_by_test_id("choice-1").is_disabled()
        presenter.get_by_test_id("step-forward").click()
        for page in (ada, grace):
            page.wait_for_selector("body[data-seq='5']")
            _frame_step(page, 4)

        # The reveal pushes the answer and its explanation to both students.
        presenter.get_by_test_id("reveal").click()
        for page in (ada, grace):
            page.wait_for_selector("body[data-revealed=true]")
            assert "429 Too Many Requests." in page.get_by_test_id("poll-reveal").inner_text()
        assert ada.evaluate("document.body.dataset.lastError") is None
        for page in (presenter, ada, grace):  # a school network may have no internet: nothing external
            assert page.watch.foreign_requests == [] and page.watch.console_errors == []
    finally:
        for page in (presenter, ada, grace):
            page.context.close()


def test_classroom_student_detaches_and_refollows_in_one_click(chromium: Any, asgi_server: Any) -> None:
    """Issue 14: a detached student's frame stays put; one click re-follows to the current position."""
    _presenter_account()
    presenter, ada = (_new_page(chromium, asgi_server) for _ in range(2))
    try:
        presenter.goto("/accounts/login/?next=/classroom/")
        presenter.fill("input[name=username]", "teacher")
        presenter.fill("input[name=password]", PASSWORD)
        presenter.locator("[data-testid=login-form] [type=submit]").click()
        presenter.get_by_test_id("open-room-submit").click()
        presenter.wait_for_selector("body[data-ws-connected=true]")
        code = presenter.get_by_test_id("join-code").inner_text().strip()
        _join(ada, code, "Ada")
        presenter.get_by_test_id("preset").select_option(PRESET)
        presenter.get_by_test_id("show-preset").click()
        ada.wait_for_selector("body[data-seq='1']")
        _frame_step(ada, 1)
        ada.get_by_test_id("follow-toggle").click()
        ada.wait_for_selector("body[data-following=false]")
        presenter.get_by_test_id("step-forward").click()
        ada.wait_for_selector("body[data-seq='2']")
        _frame_step(ada, 1)  # detached: still where the student left it
        assert "step=2" in ada.get_by_test_id("open-link").get_attribute("href")
        ada.get_by_test_id("follow-toggle").click()
        ada.wait_for_selector("body[data-following=true]")
        _frame_step(ada, 2)

        # The presenter's own clicks inside the visualizer drive the room (not only their frame).
        _frame_step(presenter, 2)
        presenter.frame_locator("#follow-frame").get_by_test_id("step-forward").click()
        ada.wait_for_selector("body[data-seq='3']")
        _frame_step(ada, 3)
        # A student clicking inside the frame is exploring: detached until they follow again.
        ada.frame_locator("#follow-frame").get_by_test_id("step-back").click()
        ada.wait_for_selector("body[data-following=false]")
        _frame_step(ada, 2)

        # Closing the room tells the student's page, which stops reconnecting.
        presenter.get_by_test_id("close-room").click()
        ada.wait_for_selector("body[data-closed=true][data-ws-connected=false]")
        assert ada.get_by_test_id("ws-status").inner_text() == "The room is closed."
    finally:
        for page in (presenter, ada):
            page.context.close()
