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
