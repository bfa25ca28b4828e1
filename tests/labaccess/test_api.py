"""The Cognito- and IAM-like JSON endpoints under /lab/ (GATEWAY_FACTS.md §7.1, §7.4)."""

from __future__ import annotations

import jwt as pyjwt
import pytest

from gateway_lab.labaccess.models import LabCredential

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _post(client, url: str, body) -> object:
    return client.post(url, body, content_type="application/json")


def test_pool_default_ids_are_shaped_like_cognitos(pool):
    """§7.4: a pool id is <region>_<9 chars>; the app client id is 26 lowercase letters and digits."""
    region, _, suffix = pool.pool_id.partition("_")
    assert (region, len(suffix), len(pool.client_id)) == ("us-east-1", 9, 26)
    assert pool.client_id.isalnum() and pool.client_id == pool.client_id.lower()


def test_sign_up_creates_a_confirmed_user(client, pool):
    """§7.4: sign-up answers like Cognito's SignUp and stores a Django password hash, never the password."""
    response = _post(client, f"/lab/pools/{pool.pool_id}/sign-up", {"username": "li", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["UserConfirmed"] is True
    stored = pool.users.get(username="li")
    assert stored.password != PASSWORD and str(stored.sub) == response.json()["UserSub"]


def test_sign_up_existing_username_is_username_exists(client, pool, maria):
    """§7.4: a second sign-up with the same name is Cognito's UsernameExistsException (400)."""
    response = _post(
        client, f"/lab/pools/{pool.pool_id}/sign-up", {"username": "maria", "password": PASSWORD}
    )
    assert (response.status_code, response.json()["__type"]) == (400, "UsernameExistsException")


def test_sign_up_short_password_is_a_field_error(client, pool):
    """§7.4: bad input is a 400 naming the field, not a 500."""
    response = _post(client, f"/lab/pools/{pool.pool_id}/sign-up", {"username": "li", "password": "short"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["password"]


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff"])
def test_sign_up_body_that_is_not_a_json_object_is_400(client, pool, body):
    """§7.4: a malformed body is a 400 InvalidParameterException."""
    response = client.post(f"/lab/pools/{pool.pool_id}/sign-up", body, content_type="application/json")
    assert (response.status_code, response.json()["__type"]) == (400, "InvalidParameterException")


def test_sign_up_unknown_pool_is_404(client, db):
    """§7.4: an unknown pool id is ResourceNotFoundException."""
    response = _post(
        client, "/lab/pools/us-east-1_Missing00/sign-up", {"username": "li", "password": PASSWORD}
    )
    assert (response.status_code, response.json()["__type"]) == (404, "ResourceNotFoundException")


def test_sign_in_returns_cognito_shaped_rs256_tokens(client, pool, maria):
    """§7.4: sign-in gives IdToken, AccessToken, ExpiresIn 3600 and TokenType Bearer, signed RS256."""
    response = _post(
        client, f"/lab/pools/{pool.pool_id}/sign-in", {"username": "maria", "password": PASSWORD}
    )
    body = response.json()
    assert (response.status_code, body["ExpiresIn"], body["TokenType"]) == (200, 3600, "Bearer")
    assert pyjwt.get_unverified_header(body["IdToken"])["alg"] == "RS256"


def test_sign_in_id_token_claims_name_the_pool_client_and_user(client, pool, maria):
    """§7.4: the ID token has token_use id, aud = client id, iss = the pool's issuer, cognito:username."""
    body = _post(
        client, f"/lab/pools/{pool.pool_id}/sign-in", {"username": "maria", "password": PASSWORD}
    ).json()
    claims = pyjwt.decode(body["IdToken"], options={"verify_signature": False})
    assert (claims["token_use"], claims["aud"], claims["cognito:username"]) == ("id", pool.client_id, "maria")
    assert claims["iss"] == f"https://cognito-idp.us-east-1.amazonaws.com/{pool.pool_id}"
    assert claims["exp"] - claims["iat"] == 3600


def test_sign_in_access_token_carries_client_id_and_requested_scopes(client, pool, maria):
    """§7.4: the access token has token_use access, client_id and the scopes asked for."""
    body = _post(
        client,
        f"/lab/pools/{pool.pool_id}/sign-in",
        {"username": "maria", "password": PASSWORD, "scope": "pets/read openid"},
    ).json()
    claims = pyjwt.decode(body["AccessToken"], options={"verify_signature": False})
    assert (claims["token_use"], claims["client_id"], claims["scope"]) == (
        "access",
        pool.client_id,
        "pets/read openid",
    )


def test_sign_in_wrong_password_is_not_authorized(client, pool, maria):
    """§7.4: a wrong password is Cognito's NotAuthorizedException."""
    response = _post(
        client, f"/lab/pools/{pool.pool_id}/sign-in", {"username": "maria", "password": "wrong pass"}
    )
    assert (response.status_code, response.json()["message"]) == (400, "Incorrect username or password.")


def test_sign_in_unknown_user_answers_like_a_wrong_password(client, pool):
    """§7.4: an unknown user gets the same answer as a wrong password (no user enumeration)."""
    response = _post(
        client, f"/lab/pools/{pool.pool_id}/sign-in", {"username": "ghost", "password": PASSWORD}
    )
    assert response.json()["__type"] == "NotAuthorizedException"


def test_sign_in_other_client_id_is_resource_not_found(client, pool, maria):
    """§7.4: a client id the pool does not have is ResourceNotFoundException."""
    body = {"username": "maria", "password": PASSWORD, "client_id": "someoneelse"}
    response = _post(client, f"/lab/pools/{pool.pool_id}/sign-in", body)
    assert response.json()["__type"] == "ResourceNotFoundException"


def test_jwks_verifies_the_issued_token(client, pool, maria):
    """§7.4: the pool's JWKS endpoint serves the RS256 public key whose kid signed the tokens."""
    tokens = _post(
        client, f"/lab/pools/{pool.pool_id}/sign-in", {"username": "maria", "password": PASSWORD}
    ).json()
    keys = client.get(f"/lab/pools/{pool.pool_id}/.well-known/jwks.json").json()["keys"]
    kid = pyjwt.get_unverified_header(tokens["IdToken"])["kid"]
    key = next(k for k in keys if k["kid"] == kid)
    claims = pyjwt.decode(
        tokens["IdToken"], pyjwt.PyJWK(key).key, algorithms=["RS256"], audience=pool.client_id
    )
    assert claims["cognito:username"] == "maria"


def test_pools_lists_the_shared_pool(client, db):
    """§7.4: GET /lab/pools names the pool, its client id, issuer and JWKS address."""
    pools = client.get("/lab/pools").json()["UserPools"]
    assert [p["Name"] for p in pools] == ["lab"]
    assert pools[0]["JwksUri"].endswith(f"/lab/pools/{pools[0]['Id']}/.well-known/jwks.json")


def test_credentials_anonymous_on_public_server_is_403(client, db, settings):
    """§7.1: with DEBUG off, only signed-in users may create access keys."""
    settings.DEBUG = False
    response = _post(client, "/lab/credentials", {})
    assert response.status_code == 403
    assert not LabCredential.objects.exists()


def test_credentials_signed_in_gets_akia_key_and_default_policy(client, django_user_model):
    """§7.1: a new access key is AKIA + 16 chars with a 40-char secret; the default policy allows GET."""
    client.force_login(django_user_model.objects.create_user("ana", password="x"))
    response = _post(client, "/lab/credentials", {})
    body = response.json()
    assert response.status_code == 201
    assert body["AccessKeyId"].startswith("AKIA") and len(body["AccessKeyId"]) == 20
    assert len(body["SecretAccessKey"]) == 40
    assert body["Arn"] == "arn:aws:iam::123456789012:user/lab-ana"
    assert body["Policy"]["Statement"][0]["Resource"] == "arn:aws:execute-api:*:*:*/*/GET/*"


def test_credentials_are_owned_by_the_signed_in_user(client, django_user_model):
    """§7.1: the key belongs to the Django user who created it."""
    ana = django_user_model.objects.create_user("ana", password="x")
    client.force_login(ana)
    key_id = _post(client, "/lab/credentials", {}).json()["AccessKeyId"]
    assert LabCredential.objects.get(access_key_id=key_id).owner == ana


def test_credentials_invalid_policy_is_400_with_policy_errors(client, settings):
    """§7.5: a policy IAM would reject (a Principal in an identity policy) is a 400 on the policy field."""
    settings.DEBUG = True
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
    }
    response = _post(client, "/lab/credentials", {"policy": policy})
    assert response.status_code == 400
    assert "Principal" in response.json()["errors"]["policy"][0]
