"""The jwt.io-style decoding on /lab/ (GATEWAY_FACTS.md §7.4)."""

from __future__ import annotations

from gateway_lab.engine.access.jwt import LabUserPool
from gateway_lab.labaccess.tokens import token_view


def _pool_and_token() -> tuple[LabUserPool, str]:
    pool = LabUserPool(pool_id="us-east-1_Decode001")
    user = pool.sign_up("li", "password1")
    return pool, pool.issue(user, client_id=pool.client_ids[0], now_s=1_790_000_000).id_token


def test_token_view_shows_header_and_times_as_dates():
    """§7.4: the header names RS256 and the pool's kid; exp is shown as a UTC date."""
    pool, token = _pool_and_token()
    view = token_view(token, jwks=pool.jwks())
    exp = next(c for c in view.claims if c.name == "exp")
    assert (view.header["alg"], view.header["kid"]) == ("RS256", pool.kid)
    assert exp.when is not None and exp.when.isoformat() == "2026-09-21T15:13:20+00:00"


def test_token_view_verifies_signature_against_the_pool_jwks():
    """§7.4: a token signed by the pool verifies against its JWKS."""
    pool, token = _pool_and_token()
    assert token_view(token, jwks=pool.jwks()).signature_valid


def test_token_view_flags_a_foreign_key():
    """§7.4: a token from another pool (another key and kid) does not verify against this JWKS."""
    pool, _ = _pool_and_token()
    _, foreign = _pool_and_token()
    view = token_view(foreign, jwks=pool.jwks())
    assert not view.signature_valid and "kid" in view.reason


def test_token_view_not_a_jwt_has_a_reason_and_no_claims():
    """§7.4: text that is not a JWT decodes to nothing, with a reason."""
    view = token_view("hello", jwks={"keys": []})
    assert (view.claims, view.signature_valid) == ((), False) and "not a valid JWT" in view.reason
