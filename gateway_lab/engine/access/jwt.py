"""A lab Cognito user pool: RS256 keys, sign-up and sign-in, Cognito-shaped ID and access tokens, JWKS.

Token *validation* for the Cognito (REST) and JWT (HTTP API) authorizers is in ``jwt_check``.
Times are epoch seconds from the caller (the engine clock); nothing here reads the wall clock.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt as pyjwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

DEFAULT_SCOPES = ("openid", "email")
_PBKDF2_ROUNDS = 20_000  # a lab, not a vault: cheap enough for tests, still salted and slow-ish


class UserPoolError(Exception):
    """A Cognito-style API error: ``code`` is the exception name Cognito returns."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True, kw_only=True)
class Tokens:
    id_token: str
    access_token: str
    expires_in: int
    token_type: str = "Bearer"


@dataclass(slots=True, kw_only=True)
class LabUser:
    username: str
    sub: str
    password_hash: str
    salt: str
    attributes: dict[str, str] = field(default_factory=dict)
    groups: tuple[str, ...] = ()


def generate_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _hash_password(password: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _PBKDF2_ROUNDS).hex()


class LabUserPool:
    """One user pool: its signing key, app clients and users (state, so a plain class)."""

    def __init__(
        self,
        *,
        pool_id: str = "us-east-1_LabPool01",
        region: str = "us-east-1",
        client_ids: Iterable[str] = ("labclient0000000000000000a",),
        private_key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
    ) -> None:
        self.pool_id = pool_id
        self.region = region
        self.client_ids = tuple(client_ids)
        self.private_key = private_key or generate_private_key()
        self.kid = kid or hashlib.sha256(self.public_pem()).hexdigest()[:32]
        self.users: dict[str, LabUser] = {}

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}"

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/.well-known/jwks.json"

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def jwks(self) -> dict[str, Any]:
        """The pool's public keys as served at ``/.well-known/jwks.json``."""
        jwk = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def sign_up(
        self,
        username: str,
        password: str,
        *,
        attributes: Mapping[str, str] | None = None,
        groups: Iterable[str] = (),
    ) -> LabUser:
        """Register a confirmed lab user (the lab skips Cognito's confirmation code)."""
        if username in self.users:
            raise UserPoolError("UsernameExistsException", "User already exists")
        if len(password) < 8:
            raise UserPoolError(
                "InvalidPasswordException", "Password did not conform with policy: Password not long enough"
            )
        salt = secrets.token_hex(8)
        sub = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.pool_id}/{username}"))
        user = LabUser(
            username=username,
            sub=sub,
            password_hash=_hash_password(password, salt),
            salt=salt,
            attributes=dict(attributes or {}),
            groups=tuple(groups),
        )
        self.users[username] = user
        return user

    def sign_in(
        self,
        username: str,
        password: str,
        *,
        client_id: str,
        now_s: int,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        ttl_s: int = 3600,
    ) -> Tokens:
        """Check the password (USER_PASSWORD_AUTH) and issue an ID token and an access token."""
        if client_id not in self.client_ids:
            raise UserPoolError("ResourceNotFoundException", "User pool client does not exist.")
        user = self.users.get(username)
        if user is None or not hmac.compare_digest(user.password_hash, _hash_password(password, user.salt)):
            raise UserPoolError("NotAuthorizedException", "Incorrect username or password.")
        return self.issue(user, client_id=client_id, now_s=now_s, scopes=scopes, ttl_s=ttl_s)

    def issue(
        self,
        user: LabUser,
        *,
        client_id: str,
        now_s: int,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        ttl_s: int = 3600,
    ) -> Tokens:
        """Issue Cognito-shaped tokens for ``user`` without a password (presets and tests)."""
        origin = str(uuid.uuid4())
        common = {
            "sub": user.sub,
            "iss": self.issuer,
            "auth_time": now_s,
            "iat": now_s,
            "exp": now_s + ttl_s,
            "origin_jti": origin,
        }
        if user.groups:
            common["cognito:groups"] = list(user.groups)
        id_claims = {
            **common,
            "aud": client_id,
            "token_use": "id",
            "cognito:username": user.username,
            "email_verified": True,
            **user.attributes,
            "jti": str(uuid.uuid4()),
        }
        access_claims = {
            **common,
            "client_id": client_id,
            "token_use": "access",
            "scope": " ".join(scopes),
            "username": user.username,
            "jti": str(uuid.uuid4()),
        }
        return Tokens(
            id_token=self.encode(id_claims), access_token=self.encode(access_claims), expires_in=ttl_s
        )

    def encode(self, claims: Mapping[str, Any]) -> str:
        """Sign arbitrary claims with the pool's key (tests use it to forge near-miss tokens)."""
        return pyjwt.encode(dict(claims), self.private_key, algorithm="RS256", headers={"kid": self.kid})
