"""Wiki image attachments (issue 13): PNG, JPEG, GIF or WebP up to 2 MB, typed by their bytes.

The stored name is random with the extension of the detected type: the uploader's name and
extension are kept for display only, so ``x.html`` or ``x.svg`` cannot become a page or a script.
SVG is refused (it can carry script). Files live under ``MEDIA_ROOT/wiki/``.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile

from ..models import LessonAttachment
from .revisions import WikiError

MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


def image_type(data: bytes) -> str | None:
    """The image type by magic bytes, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def attachment_add(*, slug: str, name: str, data: bytes, author: AbstractBaseUser | None) -> LessonAttachment:
    """Store an image for page ``slug``; raise ``WikiError`` (field ``file``) for anything else."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise WikiError("The image is larger than 2 MB.", field="file")
    content_type = image_type(data)
    if content_type is None:
        raise WikiError("Only PNG, JPEG, GIF and WebP images can be attached.", field="file")
    stored = f"{secrets.token_hex(12)}.{TYPES[content_type]}"
    attachment = LessonAttachment(
        slug=slug,
        name=(name or "image").replace("/", "_").replace("\\", "_")[:200],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=author if author is not None and author.is_authenticated else None,
    )
    attachment.file.save(stored, ContentFile(data), save=False)
    attachment.save()
    return attachment
