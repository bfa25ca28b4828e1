"""The live lab stores page (issue 12): who may open it, the consumer's rate form, what it shows."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from gateway_lab.livegw.lab_consumer import live_consumers

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_user("staff", is_staff=True))
    return client


def test_stores_page_is_staff_only_on_a_public_server(staff: Client, settings) -> None:  # type: ignore[no-untyped-def]
    """Like the request log: message bodies are other people's data (DEBUG off → staff only)."""
    settings.DEBUG = False
    learner = Client()
    learner.force_login(get_user_model().objects.create_user("learner"))
    assert Client().get("/gw-stores/").status_code == 302
    assert learner.get("/gw-stores/").status_code == 403
    assert learner.post("/gw-stores/consumer", {"queue": "q", "rate": "1"}).status_code == 403
    assert staff.get("/gw-stores/").status_code == 200


def test_stores_page_shows_a_queue_and_sets_its_consumer_rate(staff: Client) -> None:
    consumers = live_consumers()
    queue = consumers.services.queue("page-test")
    now = consumers.services.now_ms()
    consumers.set_rate("page-test", 0, now)  # paused: the depth stays put while the page is checked
    for n in range(7):
        queue.send_message(f'{{"n": {n}}}', now_ms=now)
    page = staff.get("/gw-stores/").content.decode()
    assert 'data-queue="page-test" data-depth="7"' in page
    fragment = staff.get("/gw-stores/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="stores")
    assert fragment.status_code == 200 and b"<html" not in fragment.content
    bad = staff.post("/gw-stores/consumer", {"queue": "page-test", "rate": "5000"})
    assert bad.status_code == 400 and b"rate" in bad.content
    assert staff.post("/gw-stores/consumer", {"queue": "page-test", "rate": "1000"}).status_code == 200
    assert consumers.consumer("page-test", now).rate == 1000


def test_stores_page_in_zh_hans(staff: Client) -> None:
    staff.cookies["django_language"] = "zh-hans"
    page = staff.get("/gw-stores/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "实验存储" in page and "<script>" not in page
