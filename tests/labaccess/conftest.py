"""Fixtures for the lab access app: a pool, a signed-up user, fast password hashing."""

from __future__ import annotations

import pytest

from gateway_lab.labaccess import services
from gateway_lab.labaccess.models import LabUser, LabUserPool

PASSWORD = "correct horse"


@pytest.fixture(autouse=True)
def fast_hasher(settings) -> None:
    """Django's recommended test hasher: the behaviour under test is ours, not PBKDF2's cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def pool(db) -> LabUserPool:
    return services.pool_get_or_create_default()


@pytest.fixture
def maria(pool: LabUserPool) -> LabUser:
    return services.user_sign_up(
        pool=pool, username="maria", password=PASSWORD, attributes={"email": "m@example.com"}
    )
