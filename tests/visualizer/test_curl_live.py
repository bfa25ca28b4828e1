""" "Copy as curl" against a live server (issue 12): the copied command, run by curl, gets the predicted status.

The visualizer page is fetched over real HTTP from uvicorn (so the command names that server's host),
the command is read from the button and run by the ``curl`` binary exactly as copied, and the status
line it prints must be the status the visualizer's trace predicted. The server has a Store of its own,
so no other test has spent the demo's limits.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from gateway_lab.livegw.demo_apis import DEMO_REST_IAM_KEY_ID, DEMO_REST_IAM_SECRET
from tests.conftest import AsgiServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def server(django_db_setup: None, django_db_blocker: object) -> Iterator[AsgiServer]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        started = AsgiServer(env={"GATEWAY_LAB_VISUALIZER_RATE": "off"})
    yield started
    started.stop()


def _predicted(server: AsgiServer, params: dict[str, str]) -> tuple[str, int]:
    """Open the visualizer at the response step; return (the button's command, the trace's status)."""
    url = f"{server.url}/visualizer/?{urllib.parse.urlencode({**params, 'step': '50'})}"
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the test server
        page = response.read().decode()
    command = re.search(r'data-testid="copy-curl" data-curl="([^"]*)"', page)
    status = re.search(r'data-testid="curl-predicted" data-status="(\d{3})"', page)
    assert command and status, page[:2000]
    return html.unescape(command.group(1)), int(status.group(1))


def _curl_status(command: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run the copied command in a shell, as a learner pasting it would; return (status, whole output)."""
    result = subprocess.run(
        ["bash", "-c", command + " --silent --show-error --max-time 20"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    first = result.stdout.splitlines()[0]
    return int(first.split()[1]), result.stdout


@pytest.mark.parametrize(
    "params",
    [
        {"live": "demo-rest/dev", "path": "/hello"},  # §6.1 Lambda proxy: 200
        {"live": "demo-rest/dev", "path": "/no-such-path"},  # §5.2: 403 Missing Authentication Token
        {"live": "demo-rest/prod", "path": "/broken"},  # §6.3: 502 malformed proxy response
        {"live": "demo-rest/prod", "path": "/keyed"},  # §3.3: API key required, none sent: 403
        {"live": "demo-rest/prod", "path": "/keyed", "api_key": "notTheDemoKey000000000"},  # §3.3: 403
        {"live": "demo-http/$default", "path": "/pets/7", "query": "color=red"},  # §5.3 HTTP API: 200
        {
            "live": "demo-rest/prod",
            "method": "POST",
            "path": "/echo/orders",
            "headers": "Content-Type: application/json\nX-Lab: one two",
            "body": '{"pet": "cat"}',
        },  # §6.1: 200 with the body echoed
    ],
    ids=["hello", "missing-route", "broken", "key-missing", "key-wrong", "http-api", "post-echo"],
)
def test_copied_curl_gets_the_status_the_visualizer_predicted(server, params):
    command, predicted = _predicted(server, params)
    assert f"{server.url}/gw/" in command  # the page's own host: the server that served the page
    status, output = _curl_status(command)
    assert status == predicted, output
    if params.get("body"):
        assert '\\"pet\\": \\"cat\\"' in output or '"pet": "cat"' in output  # the echo handler got the body


def test_copied_sigv4_curl_signs_with_the_learners_own_keys(server):
    """§7.1: the signed command reads the keys from the environment; with the demo user's keys it gets 200."""
    command, predicted = _predicted(server, {"live": "demo-rest/prod", "path": "/iam", "sigv4": "sign"})
    assert DEMO_REST_IAM_SECRET not in command
    env = {"AWS_ACCESS_KEY_ID": DEMO_REST_IAM_KEY_ID, "AWS_SECRET_ACCESS_KEY": DEMO_REST_IAM_SECRET}
    status, output = _curl_status(command, env)
    assert predicted == 200 and status == 200, output
    wrong = {**env, "AWS_SECRET_ACCESS_KEY": DEMO_REST_IAM_SECRET[::-1]}
    assert _curl_status(command, wrong)[0] == 403  # the same command with a wrong secret is refused


def _get(server: AsgiServer, path: str) -> str:
    with urllib.request.urlopen(server.url + path, timeout=30) as response:  # noqa: S310 - the test server
        assert response.status == 200
        return response.read().decode()


def test_every_live_request_opens_in_the_visualizer_and_replays_with_its_status(server):
    """Issue 12 ("why did I get a 429?"): each live request in /gw-log/ opens its trace, and replays in the
    visualizer (``?live=``) to the status the live gateway answered: 200, 403, 502 and a throttled 429."""
    sent = [
        f"curl -i {server.url}/gw/demo-http/pets/7?color=red",
        f"curl -i -X POST {server.url}/gw/demo-rest/dev/echo/x -H 'Content-Type: application/json' --data-raw '{{\"a\": 1}}'",
        f"curl -i {server.url}/gw/demo-rest/dev/no-such-path",
        f"curl -i {server.url}/gw/demo-rest/prod/broken",
    ]
    statuses = [_curl_status(command)[0] for command in sent]
    assert statuses == [200, 200, 403, 502]
    burst = [_curl_status(f"curl -i {server.url}/gw/demo-rest/dev/hello")[0] for _ in range(14)]
    assert 429 in burst  # §3.1: dev allows a burst of 10
    for api_id in ("demo-rest", "demo-http"):
        log = _get(server, f"/gw-log/{api_id}/")
        links = [html.unescape(h) for h in re.findall(r'href="([^"]+)" data-testid="open-trace"', log)]
        rows = re.findall(r'<tr data-status="(\d{3})" data-testid="log-row">', log)
        assert links and len(links) == len(rows)
        for link, status in zip(links, rows, strict=True):
            trace_page = _get(server, link)
            assert f"→ {status} ·" in trace_page
            replay = html.unescape(
                re.search(r'href="([^"]+)" data-testid="replay-in-visualizer"', trace_page).group(1)
            )
            visualizer = _get(server, replay + "&step=50")
            predicted = re.search(r'data-testid="trace-status">[^→]*→ (\d{3})', visualizer).group(1)
            expected = "200" if status == "429" else status  # one replayed request meets a full bucket
            if "****" in trace_page:  # §7.1: a signed request's credentials are masked: replayed without them
                expected = "403"
            assert predicted == expected, (link, replay)
