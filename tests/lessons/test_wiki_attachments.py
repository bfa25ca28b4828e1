"""Issue 13: image attachments with size and type limits, under MEDIA_ROOT, never served as HTML or script."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gateway_lab.lessons.models import LessonAttachment
from gateway_lab.lessons.roles import role_set, roles_ensure
from gateway_lab.lessons.services.attachments import MAX_ATTACHMENT_BYTES

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201e2a7d2a40000000049454e44ae426082"
)


@pytest.fixture
def editor(loaded, settings, tmp_path) -> Client:  # noqa: ANN001
    settings.MEDIA_ROOT = tmp_path / "media"
    roles_ensure()
    user = get_user_model().objects.create_user("ed", password="pw-Ed-12345")
    role_set(actor=None, user=user, roles=["editor"])
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, name: str, data: bytes, content_type: str = "image/png"):  # noqa: ANN202
    return client.post(
        "/lessons/alpha/attachments/?lang=en",
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
        headers={"HX-Request": "true"},
    )


def test_an_image_is_stored_under_media_root_and_served_as_an_image(editor, settings):
    response = _upload(editor, "架构图.png", PNG)
    assert response.status_code == 201
    attachment = LessonAttachment.objects.get()
    assert f"](/lessons/wiki/attachments/{attachment.pk}/)" in response.content.decode()
    path = settings.MEDIA_ROOT / attachment.file.name
    assert path.read_bytes() == PNG and path.suffix == ".png" and "架构图" not in path.name
    served = Client().get(f"/lessons/wiki/attachments/{attachment.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG
    assert "sandbox" in served["Content-Security-Policy"] and served["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("evil.html", b"<html><script>alert(1)</script></html>", "text/html"),
        ("evil.png", b"<script>alert(1)</script>", "image/png"),  # lies about its type
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"),
        ("big.png", PNG + b"\0" * MAX_ATTACHMENT_BYTES, "image/png"),
    ],
)
def test_anything_but_a_small_raster_image_is_refused(editor, name, data, content_type):
    response = _upload(editor, name, data, content_type)
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not LessonAttachment.objects.exists()


def test_readers_cannot_upload(loaded, settings, tmp_path):  # noqa: ANN001
    settings.MEDIA_ROOT = tmp_path
    assert _upload(Client(), "a.png", PNG).status_code == 302
    roles_ensure()
    reader = get_user_model().objects.create_user("rea", password="pw-Rea-12345")
    role_set(actor=None, user=reader, roles=["reader"])
    client = Client()
    client.force_login(reader)
    assert _upload(client, "a.png", PNG).status_code == 403
