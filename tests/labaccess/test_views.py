"""The /lab/ page and its forms, with and without htmx (GATEWAY_FACTS.md §7.1, §7.4)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from gateway_lab.labaccess.models import LabCredential

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_home_renders_the_pool_ids(client, pool):
    """§7.4: the page names the pool id and client id a Cognito or JWT authorizer needs."""
    response = client.get(reverse("labaccess:home"))
    assert response.status_code == 200
    assert pool.pool_id in response.content.decode() and pool.client_id in response.content.decode()


def test_home_url_name_reverses_for_the_header():
    """§7.4: the header's section reverses labaccess:home to /lab/."""
    assert reverse("labaccess:home") == "/lab/"


def test_sign_in_page_shows_both_tokens_decoded_and_verified(client, maria):
    """§7.4: signing in on the page shows the ID and access tokens with a verified signature."""
    response = client.post(reverse("labaccess:page-sign-in"), {"username": "maria", "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="token-id"' in html and 'data-testid="token-access"' in html
    assert html.count('data-valid="true"') == 2


def test_sign_in_htmx_answers_with_the_fragment_only(client, maria):
    """§7.4: an htmx sign-in returns the result fragment, not a page."""
    response = client.post(
        reverse("labaccess:page-sign-in"), {"username": "maria", "password": PASSWORD}, headers=HTMX
    )
    assert b"<html" not in response.content and b'id="sign-in-result"' in response.content


def test_sign_in_wrong_password_shows_cognitos_error(client, maria):
    """§7.4: a wrong password re-renders the form (400) with NotAuthorizedException."""
    response = client.post(
        reverse("labaccess:page-sign-in"), {"username": "maria", "password": "nope nope"}, headers=HTMX
    )
    assert response.status_code == 400 and b"NotAuthorizedException" in response.content


def test_sign_up_page_confirms_the_user(client, pool):
    """§7.4: the sign-up form creates a confirmed user."""
    response = client.post(
        reverse("labaccess:page-sign-up"), {"username": "li", "password": PASSWORD}, headers=HTMX
    )
    assert b'data-testid="sign-up-ok"' in response.content
    assert pool.users.filter(username="li").exists()


def test_decode_page_flags_a_tampered_token(client, pool, maria):
    """§7.4: a token with a changed signature decodes but fails the JWKS check."""
    tokens = client.post(
        f"/lab/pools/{pool.pool_id}/sign-in",
        {"username": "maria", "password": PASSWORD},
        content_type="application/json",
    ).json()
    tampered = tokens["IdToken"][:-3] + ("aaa" if not tokens["IdToken"].endswith("aaa") else "bbb")
    response = client.post(reverse("labaccess:page-decode"), {"token": tampered}, headers=HTMX)
    assert b'data-valid="false"' in response.content and b"cognito:username" in response.content


def test_credentials_page_shows_key_and_sigv4_examples(client, settings):
    """§7.1: with DEBUG on, the page creates a key and shows boto3 and curl SigV4 examples with it."""
    settings.DEBUG = True
    response = client.post(reverse("labaccess:page-credentials"), {"policy": ""}, headers=HTMX)
    key = LabCredential.objects.get()
    html = response.content.decode()
    assert key.access_key_id in html and key.secret_access_key in html
    assert 'SigV4Auth(Credentials("' in html and '--aws-sigv4 "aws:amz:us-east-1:execute-api"' in html


def test_credentials_page_rejects_malformed_policy_json(client, settings):
    """§7.5: policy text that is not JSON re-renders the form with an error, and saves nothing."""
    settings.DEBUG = True
    response = client.post(reverse("labaccess:page-credentials"), {"policy": "{not json"}, headers=HTMX)
    assert response.status_code == 400 and not LabCredential.objects.exists()


def test_credentials_page_anonymous_on_public_server_asks_to_sign_in(client, db, settings):
    """§7.1: with DEBUG off, an anonymous visitor sees a sign-in hint instead of the form."""
    settings.DEBUG = False
    html = client.get(reverse("labaccess:home")).content.decode()
    assert 'data-testid="credentials-sign-in"' in html and 'data-testid="credentials-form"' not in html


def test_credentials_page_default_policy_is_prefilled(client, db, settings):
    """§7.5: the policy box starts with the default GET-only policy."""
    settings.DEBUG = True
    html = client.get(reverse("labaccess:home")).content.decode()
    assert json.dumps("arn:aws:execute-api:*:*:*/*/GET/*").replace('"', "&quot;") in html
