"""The builder's credentials (API key, token, SigV4) change what the client sends; the engine decides."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URL = "/visualizer/"


def _status(html: str) -> str:
    return html.split('data-testid="trace-status">', 1)[1].split("</small>", 1)[0]


def test_credentials_wrong_api_key_is_refused_with_403(client):
    """§3.3: a key that is in no usage plan gets 403 Forbidden at the API key stage."""
    html = client.get(
        URL + "?preset=api-keys-saas&req=1&step=5&api_key=notAKnownKey0000000000"
    ).content.decode()
    assert "→ 403" in _status(html)
    assert 'data-stage="api_key" data-outcome="reject"' in html


def test_credentials_known_api_key_passes_the_usage_plan(client):
    """§3.3: the preset's own key passes the usage plan check on the first request."""
    html = client.get(URL + "?preset=api-keys-saas&step=5&api_key=acmeCustomerKey0123456789").content.decode()
    assert "→ 200" in _status(html)
    assert 'data-stage="api_key" data-outcome="pass"' in html


def test_credentials_sigv4_sign_is_accepted_by_the_iam_stage(client):
    """§7.1: a request signed with the lab user's key passes SigV4 and the identity policy."""
    html = client.get(URL + "?preset=iam-internal-service&req=1&step=4&sigv4=sign").content.decode()
    assert "→ 200" in _status(html)
    assert 'data-testid="sigv4-verdict">✓' in html


def test_credentials_sigv4_tampered_body_is_a_signature_mismatch(client):
    """§5.3: a body changed after signing fails with 403 InvalidSignatureException."""
    html = client.get(URL + "?preset=iam-internal-service&step=4&sigv4=tamper").content.decode()
    assert "→ 403" in _status(html) and "InvalidSignatureException" in html
    assert 'data-testid="sigv4-verdict">✕' in html


def test_credentials_sigv4_panel_shows_canonical_request_and_string_to_sign(client):
    """§7.1: the auth panel shows the canonical request and the string to sign the engine computed."""
    html = client.get(URL + "?preset=iam-internal-service&step=4&sigv4=wrong-secret").content.decode()
    assert 'data-testid="detail-canonical_request">GET\n/prod/invoices' in html
    assert 'data-testid="detail-string_to_sign">AWS4-HMAC-SHA256' in html


def test_credentials_sigv4_clock_skew_is_refused(client):
    """§7.1: a signature more than 5 minutes old is refused (403)."""
    html = client.get(URL + "?preset=iam-internal-service&step=4&sigv4=skew").content.decode()
    assert "→ 403" in _status(html) and "Signature expired" in html


def test_credentials_sigv4_without_a_lab_user_is_a_config_error(client):
    """§7.1: signing needs an IAM user; a scenario without one says so instead of failing."""
    response = client.get(URL + "?preset=lambda-proxy-echo&sigv4=sign")
    assert response.status_code == 200
    assert 'data-testid="config-errors"' in response.content.decode()


def test_credentials_token_reaches_the_lambda_authorizer(client):
    """§7.2: a revoked bearer token makes the Lambda authorizer answer 401."""
    html = client.get(
        URL + "?preset=lambda-authorizer-oauth&step=4&token=Bearer+opaque-revoked"
    ).content.decode()
    assert "→ 401" in _status(html)


def test_credentials_resource_policy_panel_marks_the_matched_statement(client):
    """§7.5: the resource policy step lists its statements and marks the one that applied."""
    html = client.get(URL + "?preset=ip-allow-list&req=3&step=3").content.decode()
    assert 'data-testid="policy-statements"' in html and 'data-testid="statement-matched"' in html
    assert "NoDeletesFromVpn" in html


def test_credentials_cognito_panel_lists_the_claims_checked(client):
    """§7.4: a valid Cognito token's claims are listed, with exp spelled out as a UTC time."""
    html = client.get(URL + "?preset=cognito-mobile-app&step=4").content.decode()
    assert 'data-testid="jwt-claims"' in html and "token_use" in html and "2026-01-02 00:00:00 UTC" in html
