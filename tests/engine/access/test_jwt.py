"""Lab user pool tokens validated like Cognito (REST, §7.4) and JWT (HTTP API, §7.3) authorizers."""

from __future__ import annotations

import jwt as pyjwt
import pytest

from gateway_lab.engine.access.jwt import LabUserPool, UserPoolError, generate_private_key
from gateway_lab.engine.access.jwt_check import bearer_token, check_cognito, check_jwt

NOW = 1_700_000_000
CLIENT = "labclient0000000000000000a"


@pytest.fixture(scope="module")
def pool() -> LabUserPool:
    pool = LabUserPool(client_ids=[CLIENT])
    pool.sign_up("maria", "correct horse", attributes={"email": "maria@example.com"})
    return pool


@pytest.fixture(scope="module")
def foreign_key():  # noqa: ANN201 - an RSA key of some other issuer
    return generate_private_key()


def _tokens(pool: LabUserPool, *, scopes: tuple[str, ...] = ("openid", "pets/read"), ttl_s: int = 3600):  # noqa: ANN202
    return pool.sign_in("maria", "correct horse", client_id=CLIENT, now_s=NOW, scopes=scopes, ttl_s=ttl_s)


def _jwt(
    pool: LabUserPool,
    token: str,
    *,
    audience: tuple[str, ...] = (CLIENT,),
    scopes: tuple[str, ...] = (),
    now_s: float = NOW + 10,
):  # noqa: ANN202
    return check_jwt(
        token, jwks=pool.jwks(), issuer=pool.issuer, audience=audience, scopes=scopes, now_s=now_s
    )


def test_user_pool_sign_in_rejects_wrong_password(pool: LabUserPool) -> None:
    """§7.4: the lab pool answers a wrong password with Cognito's NotAuthorizedException."""
    with pytest.raises(UserPoolError) as info:
        pool.sign_in("maria", "wrong horse", client_id=CLIENT, now_s=NOW)
    assert (info.value.code, info.value.message) == (
        "NotAuthorizedException",
        "Incorrect username or password.",
    )


def test_user_pool_tokens_verify_with_pyjwt_and_jwks(pool: LabUserPool) -> None:
    """§7.3: the ID token is RS256, verifiable with the JWKS key, and names the issuer and client as aud."""
    tokens = _tokens(pool)
    key = pyjwt.PyJWK(pool.jwks()["keys"][0]).key
    claims = pyjwt.decode(
        tokens.id_token, key, algorithms=["RS256"], audience=CLIENT, options={"verify_exp": False}
    )
    assert (claims["iss"], claims["token_use"], claims["cognito:username"]) == (pool.issuer, "id", "maria")


def test_user_pool_access_token_has_client_id_and_no_aud(pool: LabUserPool) -> None:
    """§7.4: Cognito access tokens carry client_id and scope, not aud."""
    claims = pyjwt.decode(_tokens(pool).access_token, options={"verify_signature": False})
    assert "aud" not in claims
    assert (claims["client_id"], claims["token_use"], claims["scope"]) == (
        CLIENT,
        "access",
        "openid pets/read",
    )


def test_check_jwt_accepts_access_token_by_client_id(pool: LabUserPool) -> None:
    """§7.3: without aud, client_id must be in the authorizer's audience list."""
    check = _jwt(pool, _tokens(pool).access_token, scopes=("pets/read",))
    assert check.ok
    assert check.scopes == ("openid", "pets/read")


def test_check_jwt_wrong_audience_is_401_with_www_authenticate(pool: LabUserPool) -> None:
    """§5.3: a token for another audience gets 401 and the documented www-authenticate header."""
    check = _jwt(pool, _tokens(pool).id_token, audience=("some-other-client",))
    assert (check.status, check.message) == (401, "Unauthorized")
    assert (
        check.www_authenticate
        == 'Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"'
    )


def test_check_jwt_foreign_key_is_rejected(pool: LabUserPool, foreign_key) -> None:  # noqa: ANN001
    """§7.3: a token signed by a key that is not in the issuer's JWKS is rejected, even with the same kid."""
    claims = pyjwt.decode(_tokens(pool).id_token, options={"verify_signature": False})
    forged = pyjwt.encode(claims, foreign_key, algorithm="RS256", headers={"kid": pool.kid})
    check = _jwt(pool, forged)
    assert (check.status, check.reason) == (401, "the token signature is invalid")


def test_check_jwt_expired_token_is_rejected(pool: LabUserPool) -> None:
    """§7.3: exp must be in the future on the engine clock."""
    check = _jwt(pool, _tokens(pool, ttl_s=60).id_token, now_s=NOW + 61)
    assert (check.status, check.reason) == (401, "the token has expired")


def test_check_jwt_wrong_issuer_is_rejected(pool: LabUserPool) -> None:
    """§7.3: iss must equal the configured issuer."""
    token = _tokens(pool).id_token
    check = check_jwt(
        token, jwks=pool.jwks(), issuer=pool.issuer + "x", audience=(CLIENT,), scopes=(), now_s=NOW
    )
    assert check.reason == "the token does not have a valid issuer"


def test_check_jwt_missing_scope_is_403_insufficient_scope(pool: LabUserPool) -> None:
    """§7.3: the token needs at least one of the route's authorizationScopes."""
    check = _jwt(pool, _tokens(pool).access_token, scopes=("pets/write",))
    assert (check.status, check.message) == (403, "Forbidden")
    assert 'error="insufficient_scope"' in check.www_authenticate


def test_check_jwt_hs256_token_is_rejected(pool: LabUserPool) -> None:
    """§7.3: JWT authorizers accept RSA-signed tokens only."""
    claims = pyjwt.decode(_tokens(pool).id_token, options={"verify_signature": False})
    token = pyjwt.encode(
        claims, "a-shared-secret-of-at-least-32-bytes!!", algorithm="HS256", headers={"kid": pool.kid}
    )
    assert _jwt(pool, token).reason == "signing method HS256 is invalid"


def test_check_cognito_accepts_id_token_without_method_scopes(pool: LabUserPool) -> None:
    """§7.4: with no authorizationScopes on the method, a valid ID token passes."""
    check = check_cognito(_tokens(pool).id_token, jwks=pool.jwks(), issuer=pool.issuer, scopes=(), now_s=NOW)
    assert check.ok
    assert check.claims["email"] == "maria@example.com"


def test_check_cognito_rejects_id_token_where_access_token_needed(pool: LabUserPool) -> None:
    """§7.4: with scopes on the method the token is treated as an access token; an ID token gets 401."""
    check = check_cognito(
        _tokens(pool).id_token, jwks=pool.jwks(), issuer=pool.issuer, scopes=("pets/read",), now_s=NOW
    )
    assert (check.status, check.message) == (401, "Unauthorized")


def test_check_cognito_accepts_access_token_with_method_scope(pool: LabUserPool) -> None:
    """§7.4: an access token passes when one method scope is among its scopes."""
    check = check_cognito(
        _tokens(pool).access_token,
        jwks=pool.jwks(),
        issuer=pool.issuer,
        scopes=("pets/read", "admin"),
        now_s=NOW,
    )
    assert check.ok


def test_check_cognito_rejects_access_token_without_method_scope(pool: LabUserPool) -> None:
    """§7.4: an access token without any method scope gets 401."""
    check = check_cognito(
        _tokens(pool).access_token, jwks=pool.jwks(), issuer=pool.issuer, scopes=("admin",), now_s=NOW
    )
    assert check.status == 401


def test_check_cognito_missing_token_is_401(pool: LabUserPool) -> None:
    """§5.2: no token in the identity source is 401 Unauthorized."""
    assert check_cognito(None, jwks=pool.jwks(), issuer=pool.issuer, scopes=(), now_s=NOW).status == 401


def test_bearer_token_strips_scheme() -> None:
    """§7.3: the identity source may hold the raw token or 'Bearer <token>'."""
    assert (bearer_token("Bearer abc.def"), bearer_token("abc.def")) == ("abc.def", "abc.def")
