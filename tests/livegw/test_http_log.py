"""The live request log (issue 12): every request kept, newest first, redacted, opened as a trace."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from gateway_lab.livegw import http_app
from gateway_lab.livegw.request_log import LIMIT, request_log
from tests.livegw.asgi_call import call
from tests.livegw.http_apis import method, stored_rest_api

pytestmark = pytest.mark.django_db(transaction=True)
COOKIE = "sessionid=verysecretsessionvalue42"


@pytest.fixture(autouse=True)
def _lab_mode(settings: Any) -> None:
    """As ``make run`` serves it (DEBUG on): the log is open to anyone on a lab machine."""
    settings.DEBUG = True


@pytest.fixture
def throttled_api() -> str:
    """An API whose stage admits a burst of 2 (refilling 1 per 100 s): the third request is 429."""
    request_log().clear()
    return stored_rest_api(
        {"/hello": {"GET": method("hello.handler")}},
        stage={"methodSettings": {"*/*": {"throttlingRateLimit": 0.01, "throttlingBurstLimit": 2}}},
    )


async def _send(api: str, count: int) -> None:
    for _ in range(count):
        await call(http_app.application, "GET", f"/gw/{api}/prod/hello?n=1", headers=[("Cookie", COOKIE)])


def _rows(html: str) -> list[str]:
    return re.findall(r'data-status="(\d+)"', html)


async def test_log_lists_requests_newest_first_and_filters_by_status(throttled_api: str) -> None:
    """§3.2: two 200s then two 429s; the page lists 429, 429, 200, 200; ?status=429 keeps the 429s."""
    from asgiref.sync import sync_to_async

    await _send(throttled_api, 4)
    page = await sync_to_async(Client().get)(f"/gw-log/{throttled_api}/")
    assert page.status_code == 200
    assert _rows(page.content.decode()) == ["429", "429", "200", "200"]
    only = await sync_to_async(Client().get)(f"/gw-log/{throttled_api}/?status=429")
    assert _rows(only.content.decode()) == ["429", "429"]
    # Each refused row names the step that decided it; the admitted rows name none.
    decided = [row["decided_by"] for row in request_log().rows(throttled_api)]
    assert decided == ["throttle", "throttle", "", ""]
    assert "Stage bucket empty" in only.content.decode()
    classes = await sync_to_async(Client().get)(f"/gw-log/{throttled_api}/?status=2xx")
    assert _rows(classes.content.decode()) == ["200", "200"]


async def test_a_429_opens_at_the_throttle_step_with_its_reason(throttled_api: str) -> None:
    """ "Why did I get a 429?": the stored trace opens at the throttle stage that refused it (§3.2)."""
    from asgiref.sync import sync_to_async

    await _send(throttled_api, 3)
    page = (await sync_to_async(Client().get)(f"/gw-log/{throttled_api}/?status=429")).content.decode()
    link = re.findall(r'href="(/gw-log/[^"]+/trace/[^"]+)"', page)[0]
    trace = await sync_to_async(Client().get)(link)
    html = trace.content.decode()
    assert trace.status_code == 200
    assert 'data-stage="throttle" data-outcome="reject"' in html
    assert "Stage bucket empty" in html
    assert "burst of 2" in html


async def test_stored_traces_never_hold_the_cookie_in_clear(throttled_api: str) -> None:
    """§10: cookies and tokens are masked in the log and in every stored trace (engine.redaction)."""
    from asgiref.sync import sync_to_async

    await _send(throttled_api, 1)
    page = (await sync_to_async(Client().get)(f"/gw-log/{throttled_api}/")).content.decode()
    link = re.findall(r'href="(/gw-log/[^"]+/trace/[^"]+)"', page)[0]
    for url in (link, link + "?format=json", link + "?step=9"):
        body = (await sync_to_async(Client().get)(url)).content.decode()
        assert "verysecretsessionvalue42" not in body
    exported = await sync_to_async(Client().get)(link + "?format=json")
    assert exported["Content-Type"] == "application/json"


async def test_log_is_bounded_per_api(throttled_api: str) -> None:
    """The log keeps the newest LIMIT requests of an API."""
    await _send(throttled_api, LIMIT + 5)
    assert len(request_log().rows(throttled_api)) == LIMIT


def test_bad_status_filter_is_400_and_unknown_request_404() -> None:
    """Bad input answers 400 naming the problem; a request not in the log is 404, never 500."""
    client = Client()
    bad = client.get("/gw-log/demo-rest/?status=abc")
    assert bad.status_code == 400
    assert b"Status must be a code" in bad.content
    assert client.get("/gw-log/demo-rest/trace/no-such-id").status_code == 404


def test_htmx_poll_gets_only_the_rows_fragment() -> None:
    """The page refreshes its rows with htmx: the poll answers the fragment, not the whole page."""
    response = Client().get("/gw-log/demo-rest/", headers={"HX-Request": "true", "HX-Target": "log-rows"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="log-rows"')
    assert "<html" not in html


def test_log_page_speaks_chinese() -> None:
    """zh-Hans is the primary audience: the log page's own sentences are translated."""
    html = Client(headers={"Accept-Language": "zh-hans"}).get("/gw-log/demo-rest/").content.decode()
    for text in ("请求日志", "按状态码筛选", "凭证、Cookie 和 API 密钥均已打码"):
        assert text in html


def test_public_server_shows_the_log_to_staff_only(settings: Any, django_user_model: Any) -> None:
    """DEBUG off: anonymous → sign-in, a signed-in learner → 403, staff → 200 (other people's requests)."""
    settings.DEBUG = False
    client = Client()
    assert client.get("/gw-log/demo-rest/").status_code == 302
    learner = django_user_model.objects.create_user("learner", password="pw-learner-1")
    client.force_login(learner)
    assert client.get("/gw-log/demo-rest/").status_code == 403
    assert client.get("/gw-log/demo-rest/trace/x").status_code == 403
    staff = django_user_model.objects.create_user("teacher", password="pw-teacher-1", is_staff=True)
    client.force_login(staff)
    assert client.get("/gw-log/demo-rest/").status_code == 200
