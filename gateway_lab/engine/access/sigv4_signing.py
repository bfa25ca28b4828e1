"""SigV4's canonical request, string to sign and signature, and the lab's signer (§7.1).

Everything here is shared by signing (``sign``, botocore-compatible) and verification
(``sigv4.verify``), so both compute the same canonical form byte for byte.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from ..messages import Request

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "execute-api"
TERMINATOR = "aws4_request"
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True, slots=True, kw_only=True)
class LabCredential:
    """An access key a lab user created: secret, owner and the identity policy attached to the owner."""

    access_key_id: str
    secret_access_key: str
    user_arn: str
    account_id: str = "123456789012"
    session_token: str | None = None
    expires_ms: float | None = None  # temporary credentials only
    policy: Mapping[str, Any] | None = None


def create_credential(
    *, user_arn: str, account_id: str = "123456789012", policy: Mapping[str, Any] | None = None
) -> LabCredential:
    """Create a fresh long-term access key for a lab user."""
    key_id = "AKIA" + "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    return LabCredential(
        access_key_id=key_id,
        secret_access_key=secrets.token_urlsafe(30)[:40],
        user_arn=user_arn,
        account_id=account_id,
        policy=policy,
    )


# Canonical form -----------------------------------------------------------------------------


def _remove_dot_segments(path: str) -> str:
    """Normalize the path like botocore: drop ``.``, resolve ``..``, collapse repeated slashes."""
    parts: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if parts:
                parts.pop()
        elif segment and segment != ".":
            parts.append(segment)
    trailing = "/" if path.endswith("/") and parts else ""
    return "/" + "/".join(parts) + trailing


def canonical_uri(raw_path: str) -> str:
    # The path arrives percent-encoded; encoding it once more is SigV4's double encoding for non-S3 services.
    return quote(_remove_dot_segments(raw_path or "/"), safe="/~")


def canonical_query(query: tuple[tuple[str, str], ...]) -> str:
    pairs = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in query)
    return "&".join(f"{k}={v}" for k, v in pairs)


def canonical_request(request: Request, *, signed_headers: list[str], raw_path: str) -> str:
    """Return SigV4's canonical request for ``request`` over ``signed_headers`` (lower-case names)."""
    lines = [
        f"{name}:{','.join(' '.join(v.split()) for v in request.headers.get_all(name))}"
        for name in signed_headers
    ]
    return "\n".join(
        [
            request.method.upper(),
            canonical_uri(raw_path),
            canonical_query(request.query),
            "\n".join(lines) + "\n",
            ";".join(signed_headers),
            hashlib.sha256(request.body).hexdigest(),
        ]
    )


def string_to_sign(*, amz_date: str, scope: str, canonical: str) -> str:
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


def signature(*, secret: str, scope: str, to_sign: str) -> str:
    """Derive the signing key along the credential scope and sign ``to_sign``."""
    return hmac.new(signing_key(secret, scope), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


@lru_cache(maxsize=256)
def signing_key(secret: str, scope: str) -> bytes:
    """Derive the key for ``date/region/service/aws4_request``; it changes daily, so SDKs cache it too."""
    key = f"AWS4{secret}".encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return key


def amz_date_of(time_ms: float) -> str:
    return datetime.fromtimestamp(time_ms / 1000, tz=UTC).strftime(AMZ_DATE_FORMAT)


@lru_cache(maxsize=1024)  # strptime is slow, and one signing second covers many requests
def parse_amz_date(value: str) -> float | None:
    """Return epoch ms for an ISO-8601 basic date (``20240102T030405Z``), None when malformed."""
    try:
        return datetime.strptime(value, AMZ_DATE_FORMAT).replace(tzinfo=UTC).timestamp() * 1000
    except ValueError:
        return None


def sign(
    request: Request,
    *,
    credential: LabCredential,
    region: str,
    time_ms: float,
    raw_path: str | None = None,
    service: str = SERVICE,
) -> Request:
    """Return ``request`` signed with ``credential`` the way botocore's ``SigV4Auth`` signs it."""
    amz_date = amz_date_of(time_ms)
    headers = request.headers.without("Authorization").with_header("X-Amz-Date", amz_date)
    if credential.session_token:
        headers = headers.with_header("X-Amz-Security-Token", credential.session_token)
    signed = sorted({name.lower() for name in headers if name.lower() not in {"user-agent", "expect"}})
    request = replace(request, headers=headers)
    scope = f"{amz_date[:8]}/{region}/{service}/{TERMINATOR}"
    canonical = canonical_request(request, signed_headers=signed, raw_path=raw_path or request.path)
    sig = signature(
        secret=credential.secret_access_key,
        scope=scope,
        to_sign=string_to_sign(amz_date=amz_date, scope=scope, canonical=canonical),
    )
    value = f"{ALGORITHM} Credential={credential.access_key_id}/{scope}, SignedHeaders={';'.join(signed)}, Signature={sig}"
    return replace(request, headers=headers.with_header("Authorization", value))
