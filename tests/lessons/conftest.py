"""Fixtures for the lessons app: a small content tree of our own, loaded through the real service."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
CONTENT = FIXTURES / "content"
NOTES = FIXTURES / "notes"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # noqa: ANN001
    """Users made here hash their passwords with MD5: PBKDF2's 1,000,000 rounds cost about 0.5 s per
    user, 2 s of setup for a test with a client per role (``make test``'s budget, issue 13). No test
    here logs in through a separate server process, which would not know the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    """A writable copy of the fixture content tree."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


@pytest.fixture
def loaded(db, content_root: Path):  # noqa: ANN001, ANN201
    """The fixture content, synced into the test database."""
    from gateway_lab.lessons.services import lesson_sync_from_files

    return lesson_sync_from_files(root=content_root)


@pytest.fixture
def zh_client(client):  # noqa: ANN001, ANN201
    """A test client whose language cookie asks for Simplified Chinese."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client
