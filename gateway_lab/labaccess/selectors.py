"""Reads of the lab account, turned into the engine's objects (pools, credentials, an AccessDirectory)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway_lab import engine
from gateway_lab.engine import AccessDirectory

from .models import LabCredential, LabUser, LabUserPool


@lru_cache(maxsize=64)  # loading and checking an RSA key costs milliseconds; pools never change key
def _engine_pool(pool_id: str, region: str, client_id: str, pem: str) -> engine.LabUserPool:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return engine.LabUserPool(pool_id=pool_id, region=region, client_ids=(client_id,), private_key=key)


def engine_pool(pool: LabUserPool) -> engine.LabUserPool:
    """Return the engine's pool for ``pool`` (same key, so the same kid and JWKS every time)."""
    return _engine_pool(pool.pool_id, pool.region, pool.client_id, pool.private_key_pem)


def engine_user(user: LabUser) -> engine.LabUser:
    """Return the engine's view of ``user``; passwords stay with Django's hashers."""
    return engine.LabUser(
        username=user.username,
        sub=str(user.sub),
        password_hash="",  # never matches a digest: the engine cannot sign this user in by itself
        salt="",
        attributes={str(k): str(v) for k, v in user.attributes.items()},
    )


def engine_credential(credential: LabCredential) -> engine.LabCredential:
    return engine.LabCredential(
        access_key_id=credential.access_key_id,
        secret_access_key=credential.secret_access_key,
        user_arn=credential.user_arn,
        session_token=credential.session_token or None,
        policy=credential.policy,
    )


def access_directory(
    *, pools: Iterable[LabUserPool] | None = None, credentials: Iterable[LabCredential] | None = None
) -> AccessDirectory:
    """Return the lab account as the engine's ``AccessDirectory`` (all pools and keys by default).

    Pass it as ``build_pipeline(access=...)`` so that tokens and access keys created on ``/lab/``
    are accepted by ``COGNITO_USER_POOLS``, ``JWT`` and ``AWS_IAM`` methods.
    """
    pools = LabUserPool.objects.all() if pools is None else pools
    credentials = LabCredential.objects.all() if credentials is None else credentials
    return AccessDirectory(
        credentials={c.access_key_id: engine_credential(c) for c in credentials},
        user_pools={p.pool_id: engine_pool(p) for p in pools},
    )


def lab_access_block(
    *, pools: Iterable[LabUserPool] = (), credentials: Iterable[LabCredential] = ()
) -> dict[str, Any]:
    """Return a ``labAccess`` JSON block (engine ``access`` module) for simulations of a stored API.

    It carries the pools' private keys, so keep it server-side: never render it to a page.
    """
    return {
        "userPools": [
            {
                "id": p.pool_id,
                "region": p.region,
                "clientIds": [p.client_id],
                "privateKeyPem": p.private_key_pem,
            }
            for p in pools
        ],
        "iamUsers": [
            {
                "userName": c.iam_user_name,
                "accessKeys": [
                    {
                        "accessKeyId": c.access_key_id,
                        "secretAccessKey": c.secret_access_key,
                        **({"sessionToken": c.session_token} if c.session_token else {}),
                    }
                ],
                "policy": c.policy,
            }
            for c in credentials
        ],
    }


def pool_get(*, pool_id: str) -> LabUserPool | None:
    return LabUserPool.objects.filter(pool_id=pool_id).first()
