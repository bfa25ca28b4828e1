"""Fixtures for the lessons app: a small content tree of our own, loaded through the real service."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
CONTENT = FIXTURES / "content"
NOTES = FIXTURES / "notes"


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
