"""AWS Signature Version 4 as API Gateway checks it for ``AWS_IAM`` methods (GATEWAY_FACTS.md §7.1, §5.3).

``verify`` recomputes the canonical request and string to sign from what arrived and compares
signatures; every documented failure comes back as data (status, error type, message) so the auth
stage can draw it. ``sign`` is the lab's own signer (botocore-compatible) for presets and the UI.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from .messages import Request

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "execute-api"
TERMINATOR = "aws4_request"
SKEW_MS = 5 * 60 * 1000
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"

MISSING_TOKEN = "Missing Authentication Token"
INVALID_TOKEN = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)
MISSING_DATE = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."


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


@dataclass(frozen=True, slots=True, kw_only=True)
class SigV4Error:
    status: int
    error_type: str  # the x-amzn-ErrorType header
    gateway_response_type: str  # §5.2
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SigV4Check:
    """The verdict on one request: the caller's credential, or the error AWS would answer with."""

    credential: LabCredential | None = None
    error: SigV4Error | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


def _error(
    message: str, *, kind: str = "InvalidSignatureException", response: str = "INVALID_SIGNATURE"
) -> SigV4Error:
    return SigV4Error(status=403, error_type=kind, gateway_response_type=response, message=message)


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


def skew_error(amz_date: str, now_ms: float) -> SigV4Error | None:
    """Return AWS's error when the signing time is more than 5 minutes from ``now_ms``."""
    signed_ms = parse_amz_date(amz_date)
    if signed_ms is None:
        return _error(MISSING_DATE, kind="IncompleteSignatureException")
    if now_ms - SKEW_MS <= signed_ms <= now_ms + SKEW_MS:
        return None
    now = datetime.fromtimestamp(now_ms / 1000, tz=UTC)
    if signed_ms < now_ms - SKEW_MS:
        earliest = (now - timedelta(milliseconds=SKEW_MS)).strftime(AMZ_DATE_FORMAT)
        return _error(
            f"Signature expired: {amz_date} is now earlier than {earliest} ({now.strftime(AMZ_DATE_FORMAT)} - 5 min.)"
        )
    if signed_ms > now_ms + SKEW_MS:
        latest = (now + timedelta(milliseconds=SKEW_MS)).strftime(AMZ_DATE_FORMAT)
        return _error(
            f"Signature not yet current: {amz_date} is still later than {latest} ({now.strftime(AMZ_DATE_FORMAT)} + 5 min.)"
        )
    return None


# Verification --------------------------------------------------------------------------------


def parse_authorization(value: str) -> dict[str, str] | SigV4Error:
    """Split ``AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`` into its fields."""
    algorithm, _, rest = value.strip().partition(" ")
    fields: dict[str, str] = {}
    for part in (p.strip() for p in rest.split(",")):
        name, eq, content = part.partition("=")
        if not eq or algorithm != ALGORITHM:
            bad = part or algorithm
            return _error(
                f"'{bad}' not a valid key=value pair (missing equal-sign) in Authorization header: '{value}'.",
                kind="IncompleteSignatureException",
            )
        fields[name] = content
    missing = [
        f"Authorization header requires '{n}' parameter."
        for n in ("Credential", "Signature", "SignedHeaders")
        if n not in fields
    ]
    if missing:
        return _error(" ".join(missing) + f" Authorization={value}", kind="IncompleteSignatureException")
    return fields


def scope_error(parts: list[str], *, amz_date: str, region: str, service: str) -> SigV4Error | None:
    """Check the ``date/region/service/aws4_request`` credential scope like AWS, in AWS's order."""
    if len(parts) != 5 or parts[4] != TERMINATOR:
        last = parts[-1] if parts else ""
        return _error(f"Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{last}'.")
    if parts[3] != service:
        return _error(f"Credential should be scoped to correct service: '{service}'.")
    if parts[2] != region:
        return _error(f"Credential should be scoped to a valid region, not '{parts[2]}'.")
    if parts[1] != amz_date[:8]:
        return _error(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{parts[1]}' != '{amz_date[:8]}', from '{amz_date}'."
        )
    return None


def token_error(request: Request, credential: LabCredential, now_ms: float) -> SigV4Error | None:
    """Check ``X-Amz-Security-Token`` against the credential (temporary credentials need it)."""
    sent = request.headers.get("X-Amz-Security-Token")
    if sent != credential.session_token:
        return _error(INVALID_TOKEN, kind="AccessDeniedException", response="ACCESS_DENIED")
    if credential.expires_ms is not None and now_ms >= credential.expires_ms:
        return _error(EXPIRED_TOKEN, kind="ExpiredTokenException", response="EXPIRED_TOKEN")
    return None


def verify(
    request: Request,
    *,
    credentials: Mapping[str, LabCredential],
    region: str,
    now_ms: float,
    raw_path: str | None = None,
    service: str = SERVICE,
) -> SigV4Check:
    """Verify the SigV4 ``Authorization`` header of ``request`` as API Gateway would.

    ``raw_path`` is the path the client signed (with the stage, e.g. ``/prod/pets``); it defaults
    to ``request.path``.
    """
    header = request.headers.get("Authorization")
    if not header:
        return SigV4Check(
            error=_error(
                MISSING_TOKEN,
                kind="MissingAuthenticationTokenException",
                response="MISSING_AUTHENTICATION_TOKEN",
            )
        )
    fields = parse_authorization(header)
    if isinstance(fields, SigV4Error):
        return SigV4Check(error=fields)
    amz_date = request.headers.get("X-Amz-Date", "")
    if not amz_date:
        return SigV4Check(error=_error(MISSING_DATE, kind="IncompleteSignatureException"))
    key_id, *scope_parts = fields["Credential"].split("/")
    detail: dict[str, Any] = {
        "access_key_id": key_id,
        "amz_date": amz_date,
        "credential_scope": "/".join(scope_parts),
    }
    failure = scope_error([key_id, *scope_parts], amz_date=amz_date, region=region, service=service)
    failure = failure or skew_error(amz_date, now_ms)
    credential = credentials.get(key_id)
    if failure is None and credential is None:
        failure = _error(INVALID_TOKEN, kind="AccessDeniedException", response="ACCESS_DENIED")
    if failure is None and credential is not None:
        failure = token_error(request, credential, now_ms)
    if failure is not None:
        return SigV4Check(error=failure, detail=detail)
    assert credential is not None
    signed_headers = fields["SignedHeaders"].split(";")
    if "host" not in signed_headers:
        return SigV4Check(
            error=_error("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."),
            detail=detail,
        )
    canonical = canonical_request(request, signed_headers=signed_headers, raw_path=raw_path or request.path)
    to_sign = string_to_sign(amz_date=amz_date, scope="/".join(scope_parts), canonical=canonical)
    expected = signature(secret=credential.secret_access_key, scope="/".join(scope_parts), to_sign=to_sign)
    detail |= {
        "signed_headers": signed_headers,
        "canonical_request": canonical,
        "string_to_sign": to_sign,
        "signature_provided": fields["Signature"],
        "signature_expected": expected,
    }
    if not hmac.compare_digest(expected, fields["Signature"]):
        return SigV4Check(credential=credential, error=_error(SIGNATURE_MISMATCH), detail=detail)
    return SigV4Check(credential=credential, detail=detail)
