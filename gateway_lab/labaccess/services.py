"""Actions on the lab account: create pools, sign users up and in, create IAM access keys.

Keyword-only functions (HackSoft style). Cognito-style failures raise the engine's ``UserPoolError``
with the exception name Cognito would return, so the JSON views can answer like Cognito.
"""

from __future__ import annotations

import secrets
import string
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from gateway_lab.engine import DEFAULT_SCOPES, Tokens, UserPoolError, create_credential, generate_private_key

from . import selectors
from .models import LabCredential, LabUser, LabUserPool
from .policies import DEFAULT_POLICY

DEFAULT_POOL_NAME = "lab"
MAX_USERS_PER_POOL = 1000  # a public server must not become anyone's free user store
TOKEN_TTL_S = 3600  # Cognito's default ID and access token validity
_POOL_ID_CHARS = string.ascii_letters + string.digits
_CLIENT_ID_CHARS = string.ascii_lowercase + string.digits


def _random(chars: str, length: int) -> str:
    return "".join(secrets.choice(chars) for _ in range(length))


def pool_create(*, name: str, region: str = "us-east-1") -> LabUserPool:
    """Create a pool with a fresh RS256 key and one app client, ids shaped like Cognito's."""
    pem = generate_private_key().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return LabUserPool.objects.create(
        pool_id=f"{region}_{_random(_POOL_ID_CHARS, 9)}",
        name=name,
        region=region,
        client_id=_random(_CLIENT_ID_CHARS, 26),
        private_key_pem=pem.decode(),
    )


def pool_get_or_create_default() -> LabUserPool:
    """Return the site's shared lab pool, creating it on first use."""
    pool = LabUserPool.objects.filter(name=DEFAULT_POOL_NAME).first()
    if pool is not None:
        return pool
    try:
        with transaction.atomic():
            return pool_create(name=DEFAULT_POOL_NAME)
    except IntegrityError:  # another request created it first
        return LabUserPool.objects.get(name=DEFAULT_POOL_NAME)


def user_sign_up(
    *, pool: LabUserPool, username: str, password: str, attributes: Mapping[str, str] | None = None
) -> LabUser:
    """Register a confirmed user; raise ``UserPoolError`` like Cognito's SignUp."""
    if len(password) < 8:
        raise UserPoolError(
            "InvalidPasswordException", "Password did not conform with policy: Password not long enough"
        )
    if pool.users.count() >= MAX_USERS_PER_POOL:
        raise UserPoolError("LimitExceededException", "The lab pool is full.")
    try:
        with transaction.atomic():
            return LabUser.objects.create(
                pool=pool,
                username=username,
                password=make_password(password),
                sub=uuid.uuid4(),
                attributes=dict(attributes or {}),
            )
    except IntegrityError:
        raise UserPoolError("UsernameExistsException", "User already exists") from None


def user_sign_in(
    *,
    pool: LabUserPool,
    username: str,
    password: str,
    client_id: str | None = None,
    scopes: Iterable[str] = DEFAULT_SCOPES,
    now_s: int | None = None,
) -> Tokens:
    """Check the password (USER_PASSWORD_AUTH) and issue RS256 ID and access tokens."""
    if (client_id or pool.client_id) != pool.client_id:
        raise UserPoolError("ResourceNotFoundException", "User pool client does not exist.")
    user = pool.users.filter(username=username).first()
    if user is None:
        make_password(password)  # spend the same time as a real check: no user enumeration by timing
        raise UserPoolError("NotAuthorizedException", "Incorrect username or password.")
    if not check_password(password, user.password):
        raise UserPoolError("NotAuthorizedException", "Incorrect username or password.")
    return selectors.engine_pool(pool).issue(
        selectors.engine_user(user),
        client_id=pool.client_id,
        now_s=int(time.time()) if now_s is None else now_s,
        scopes=tuple(scopes),
        ttl_s=TOKEN_TTL_S,
    )


def credential_create(
    *,
    owner: AbstractBaseUser | None,
    policy: Mapping[str, Any] | None = None,
    iam_user_name: str | None = None,
    with_session_token: bool = False,
) -> LabCredential:
    """Create an access key (``AKIA…`` + secret) for a lab IAM user with ``policy`` attached."""
    fresh = create_credential(user_arn="")
    name = iam_user_name or (f"lab-{owner.get_username()}" if owner is not None else "lab-anonymous")
    return LabCredential.objects.create(
        access_key_id=fresh.access_key_id,
        secret_access_key=fresh.secret_access_key,
        session_token=secrets.token_urlsafe(48) if with_session_token else "",
        iam_user_name=name[:64],
        owner=owner,
        policy=dict(policy or DEFAULT_POLICY),
    )
