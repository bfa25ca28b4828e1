""" "Copy as curl" (issue 12): the exact command for a live scenario, without secrets the learner did not type."""

from __future__ import annotations

import html
import re
import shlex

import pytest

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


def _page(client, **params):
    response = client.get("/visualizer/", params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def _command(page: str) -> str | None:
    found = re.search(r'data-testid="copy-curl" data-curl="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def test_live_rest_get_is_one_plain_curl_on_the_page_host(client):
    """§5.2 (demo-rest dev): GET /hello is ``curl -i <host>/gw/demo-rest/dev/hello``, shown and on the button."""
    page = _page(client, live="demo-rest/dev", path="/hello")
    assert _command(page) == f"curl -i {HOST}/gw/demo-rest/dev/hello"
    assert html.unescape(re.search(r'data-testid="curl-command">([^<]*)<', page).group(1)) == _command(page)
    assert 'data-testid="curl-predicted" data-status="200"' in page


def test_http_api_default_stage_is_served_at_the_root_with_its_query(client):
    """§5.3 (DESIGN.md): an HTTP API's $default stage is /gw/<api-id>/<path>; the query string is kept."""
    page = _page(client, live="demo-http/$default", path="/pets/7", query="color=red&size=2")
    assert _command(page) == f"curl -i '{HOST}/gw/demo-http/pets/7?color=red&size=2'"


def test_method_headers_body_and_typed_key_are_in_the_command(client):
    """§3.3: what the learner typed (method, headers, body, API key) is sent as typed, quoted for a shell."""
    page = _page(
        client,
        live="demo-rest/prod",
        method="POST",
        path="/echo/it's",
        headers="Content-Type: application/json\nX-Trace: a b",
        body='{"pet": "cat"}',
        api_key="myTypedKey",
    )
    words = shlex.split(_command(page))
    assert words[:4] == ["curl", "-i", "-X", "POST"]
    assert words[4] == f"{HOST}/gw/demo-rest/prod/echo/it's"
    assert words[5:] == [
        "-H", "Content-Type: application/json",
        "-H", "X-Trace: a b",
        "-H", "x-api-key: myTypedKey",
        "--data-raw", '{"pet": "cat"}',
    ]  # fmt: skip


def test_body_without_content_type_stops_curl_adding_a_form_type(client):
    """curl -d adds application/x-www-form-urlencoded; the run sent no Content-Type, so the command clears it."""
    words = shlex.split(
        _command(_page(client, live="demo-rest/prod", method="PUT", path="/echo/a", body="x=1"))
    )
    assert words[-4:] == ["-H", "Content-Type:", "--data-raw", "x=1"]


def test_sigv4_command_reads_keys_from_the_environment_never_the_lab_secret(client):
    """§7.1: a signed request is signed by curl (--aws-sigv4); the lab user's secret never appears."""
    page = _page(client, live="demo-rest/prod", path="/iam", sigv4="sign")
    command = _command(page)
    assert command.endswith(
        '--aws-sigv4 aws:amz:us-east-1:execute-api --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"'
    )
    assert "lab/demo-rest/secret" not in page and "AKIALABDEMOREST00001" not in command
    assert "Authorization" not in command and "X-Amz-Date" not in command


@pytest.mark.parametrize(
    ("params", "blocked"),
    [
        ({"auth": "iam"}, "builder"),
        ({"rate": "1"}, "builder"),
        ({"source_ip": "203.0.113.9"}, "Source IP"),
        ({"sigv4": "tamper"}, "sign"),
    ],
)
def test_a_live_run_the_live_gateway_would_not_answer_the_same_has_no_command(client, params, blocked):
    """Issue 12: a builder change, a client field or a broken signature has no command, and the page says why."""
    page = _page(client, live="demo-rest/prod", path="/iam", **params)
    assert _command(page) is None
    assert blocked in re.search(r'data-testid="curl-blocked">([^<]*)<', page).group(1)


@pytest.mark.parametrize("preset", ["lambda-proxy-echo", "fragile-backend", "api-keys-saas"])
def test_presets_have_no_curl(client, preset):
    """A preset's API is not deployed on the live gateway (only ?live= stages are): no command, no note."""
    page = _page(client, preset=preset)
    assert 'data-testid="curl"' not in page


def test_live_page_names_the_api_and_stage_and_links_its_request_log(client):
    """Issue 12: a live scenario says which live API and stage it runs, and links that API's request log."""
    page = _page(client, live="demo-rest/dev")
    assert (
        "Live API demo-rest, stage dev" in page and 'href="/gw-log/demo-rest/" data-testid="live-log"' in page
    )


def test_live_page_in_zh_hans_is_translated(client):
    """Issue 10/12: the live block and the button speak Chinese to a zh-Hans learner."""
    client.cookies["django_language"] = "zh-hans"
    page = _page(client, live="demo-rest/dev", path="/hello")
    assert "在线 API demo-rest，阶段 dev" in page and "复制为 curl 命令" in page
