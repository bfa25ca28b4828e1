"""Secrets never leave a trace in clear (issue 16; masked as execution logs mask API keys, §3.3, §10)."""

from __future__ import annotations

import json

import pytest

from gateway_lab.engine.messages import Client, Request
from gateway_lab.engine.redaction import mask, mask_authorization, mask_cookie, redact
from gateway_lab.engine.trace import trace_to_dict
from tests.engine.websocket.gateways import make_gateway

SESSION = "k3x9q2w8e7r6t5y4u3i2o1p0a9s8d7f6"
CSRF = "Zq8Wm3Lp0Xv7Bn2Ck5Dj9Fh4Gs6Ht1Ry"
LAB_TOKEN = "bGFiLXRva2VuLWZvci10ZXN0cw"
API_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCD"
STS_TOKEN = "IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMSJHMEUCIQD"


def test_mask_keeps_a_short_prefix_then_stars() -> None:
    """Issue 16: a prefix of at most 4 characters (a quarter of short values), then ****."""
    assert mask(API_KEY) == "abcd****"
    assert mask("allow") == "a****"
    assert mask("abc") == "****"
    assert mask("") == ""


def test_mask_leaves_masked_values_alone() -> None:
    """§3.3: the engine's own ****abcd API-key form and an earlier mask are not masked twice."""
    assert mask("****ABCD") == "****ABCD"
    assert mask("abcd****") == "abcd****"


def test_cookie_header_keeps_names_and_masks_values() -> None:
    """Issue 16: Cookie: sessionid and csrftoken values are masked, names stay readable."""
    shown = mask_cookie(f"sessionid={SESSION}; csrftoken={CSRF}")
    assert shown == "sessionid=k3x9****; csrftoken=Zq8W****"


def test_set_cookie_keeps_attributes() -> None:
    """A Set-Cookie header masks its value, not Path/SameSite."""
    assert (
        mask_cookie(f"sessionid={SESSION}; Path=/; SameSite=Lax")
        == "sessionid=k3x9****; Path=/; SameSite=Lax"
    )


def test_authorization_keeps_its_scheme() -> None:
    """Issue 16: Authorization: Bearer <lab token> shows the scheme and a prefix only."""
    assert mask_authorization(f"Bearer {LAB_TOKEN}") == "Bearer bGFi****"
    sigv4 = (
        "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/execute-api/aws4_request, Signature=ff"
    )
    assert mask_authorization(sigv4) == "AWS4-HMAC-SHA256 Cred****"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Cookie", f"sessionid={SESSION}"),
        ("cookie", f"sessionid={SESSION}"),
        ("Authorization", f"Bearer {LAB_TOKEN}"),
        ("authorization", f"Bearer {LAB_TOKEN}"),
        ("X-Amz-Security-Token", STS_TOKEN),
        ("x-amz-security-token", STS_TOKEN),
        ("x-api-key", API_KEY),
        ("X-API-Key", API_KEY),
        ("Set-Cookie", f"sessionid={SESSION}; HttpOnly"),
        ("X-CSRFToken", CSRF),
    ],
)
def test_each_sensitive_header_is_masked_whatever_its_case(name: str, value: str) -> None:
    """Issue 16: Cookie, Authorization, X-Amz-Security-Token, x-api-key (any case) never in clear."""
    shown = redact({"headers": {name: value, "User-Agent": "curl/8"}, "multiValueHeaders": {name: [value]}})
    text = json.dumps(shown)
    for secret in (SESSION, LAB_TOKEN, STS_TOKEN, API_KEY, CSRF):
        assert secret not in text
    assert "****" in shown["headers"][name] and shown["headers"]["User-Agent"] == "curl/8"
    assert "****" in shown["multiValueHeaders"][name][0]


@pytest.mark.parametrize(
    "field",
    [
        "authorizationToken",
        "apiKey",
        "api_key",
        "token",
        "secretAccessKey",
        "sessionToken",
        "password",
        "idToken",
    ],
)
def test_each_credential_field_is_masked(field: str) -> None:
    """Issue 16: API keys and tokens in events and identities (authorizer events, $context.identity)."""
    shown = redact({"requestContext": {"identity": {field: API_KEY, "sourceIp": "1.2.3.4"}}})
    assert shown["requestContext"]["identity"] == {field: "abcd****", "sourceIp": "1.2.3.4"}


def test_payload_2_cookies_list_is_masked() -> None:
    """§6.2: HTTP API payload 2.0 carries cookies as a list; each value is masked."""
    shown = redact({"cookies": [f"sessionid={SESSION}", f"csrftoken={CSRF}"]})
    assert shown == {"cookies": ["sessionid=k3x9****", "csrftoken=Zq8W****"]}


def test_query_string_token_is_masked() -> None:
    """§7.2: a REQUEST authorizer's token in the query string is a credential too."""
    shown = redact({"queryStringParameters": {"token": LAB_TOKEN, "page": "2"}})
    assert shown["queryStringParameters"] == {"token": "bGFi****", "page": "2"}


def test_echoed_secrets_are_scrubbed_from_any_text() -> None:
    """Issue 16: a handler that echoes its event in a body does not leak the cookie it was sent."""
    event = {"headers": {"Cookie": f"sessionid={SESSION}"}}
    data = {"event": event, "result": {"body": json.dumps(event)}, "note": f"seen {SESSION} here"}
    text = json.dumps(redact(data))
    assert SESSION not in text and "k3x9****" in text


def test_named_secrets_are_scrubbed_everywhere() -> None:
    """Issue 16: the lab's bearer token, passed as a known secret, disappears from free text."""
    shown = redact({"reason": f"curl -H 'X: {LAB_TOKEN}'"}, secrets=[LAB_TOKEN])
    assert LAB_TOKEN not in shown["reason"]


def test_free_text_bearer_and_session_cookie_are_masked() -> None:
    """Issue 16: Bearer <token> and sessionid=<value> in text are masked even when never named."""
    shown = redact({"log": f"Authorization: Bearer {LAB_TOKEN} Cookie: sessionid={SESSION}"})
    assert LAB_TOKEN not in shown["log"] and SESSION not in shown["log"]


def test_redact_does_not_change_its_input() -> None:
    data = {"headers": {"Cookie": f"sessionid={SESSION}"}}
    redact(data)
    assert data == {"headers": {"Cookie": f"sessionid={SESSION}"}}


def test_connect_trace_redacted_end_to_end() -> None:
    """§9 + issue 16: the $connect trace (its Lambda event carries every header) shows none in clear."""
    gateway = make_gateway()
    request = Request.build(
        "GET",
        "/",
        query=f"token={LAB_TOKEN}",
        headers={
            "Cookie": f"sessionid={SESSION}; csrftoken={CSRF}",
            "Authorization": f"Bearer {LAB_TOKEN}",
            "x-api-key": API_KEY,
            "X-Amz-Security-Token": STS_TOKEN,
        },
        client=Client(source_ip="127.0.0.1", user_agent="test"),
    )
    trace = gateway.connect(request, connection_id="Aa1=", channel="c").trace
    raw = json.dumps(trace_to_dict(trace))
    assert SESSION in raw  # the engine's own trace has them (the caller's own view) ...
    shown = json.dumps(redact(trace_to_dict(trace)))
    for secret in (SESSION, CSRF, LAB_TOKEN, API_KEY, STS_TOKEN):
        assert secret not in shown  # ... anything shown to others does not
    assert "sessionid=k3x9****" in shown
