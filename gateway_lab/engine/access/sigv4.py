"""AWS Signature Version 4 as API Gateway checks it for ``AWS_IAM`` methods (GATEWAY_FACTS.md §7.1, §5.3).

``verify`` recomputes the canonical request and string to sign from what arrived and compares
signatures; every documented failure comes back as data (status, error type, message) so the auth
stage can draw it. ``sign`` is the lab's own signer (botocore-compatible) for presets and the UI.

The canonical form and the signer live in ``sigv4_signing``, the failure checks in ``sigv4_errors``;
both are re-exported here, so ``sigv4.<name>`` stays the one import path.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from ..messages import Request
from .sigv4_errors import (
    EXPIRED_TOKEN,
    INVALID_TOKEN,
    MISSING_DATE,
    MISSING_TOKEN,
    SIGNATURE_MISMATCH,
    SKEW_MS,
    SigV4Error,
    parse_authorization,
    scope_error,
    sigv4_error,
    skew_error,
    token_error,
)
from .sigv4_signing import (
    ALGORITHM,
    AMZ_DATE_FORMAT,
    SERVICE,
    TERMINATOR,
    LabCredential,
    amz_date_of,
    canonical_query,
    canonical_request,
    canonical_uri,
    create_credential,
    parse_amz_date,
    sign,
    signature,
    signing_key,
    string_to_sign,
)

__all__ = [
    "ALGORITHM",
    "AMZ_DATE_FORMAT",
    "EXPIRED_TOKEN",
    "INVALID_TOKEN",
    "MISSING_DATE",
    "MISSING_TOKEN",
    "SERVICE",
    "SIGNATURE_MISMATCH",
    "SKEW_MS",
    "TERMINATOR",
    "LabCredential",
    "SigV4Check",
    "SigV4Detail",
    "SigV4Error",
    "SigV4Refused",
    "SigV4Verified",
    "SignatureInputs",
    "amz_date_of",
    "canonical_query",
    "canonical_request",
    "canonical_uri",
    "create_credential",
    "parse_amz_date",
    "parse_authorization",
    "scope_error",
    "sign",
    "signature",
    "signing_key",
    "skew_error",
    "string_to_sign",
    "token_error",
    "verify",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class SignatureInputs:
    """What the signature was computed over, and the two signatures compared (§7.1)."""

    signed_headers: tuple[str, ...]
    canonical_request: str
    string_to_sign: str
    signature_provided: str
    signature_expected: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SigV4Detail:
    """What the check read from the ``Authorization`` header, and the signature's inputs once computed."""

    access_key_id: str
    amz_date: str
    credential_scope: str
    signature: SignatureInputs | None = None  # None: a scope, date or key failure came first

    def to_dict(self) -> dict[str, Any]:
        """The step's JSON detail (``trace.Step.detail``)."""
        detail: dict[str, Any] = {
            "access_key_id": self.access_key_id,
            "amz_date": self.amz_date,
            "credential_scope": self.credential_scope,
        }
        inputs = self.signature
        if inputs is not None:
            detail |= {
                "signed_headers": list(inputs.signed_headers),
                "canonical_request": inputs.canonical_request,
                "string_to_sign": inputs.string_to_sign,
                "signature_provided": inputs.signature_provided,
                "signature_expected": inputs.signature_expected,
            }
        return detail


@dataclass(frozen=True, slots=True, kw_only=True)
class SigV4Verified:
    """The signature checks out: the request comes from ``credential``."""

    credential: LabCredential
    detail: SigV4Detail
    ok: ClassVar[bool] = True

    def detail_dict(self) -> dict[str, Any]:
        return self.detail.to_dict()


@dataclass(frozen=True, slots=True, kw_only=True)
class SigV4Refused:
    """The request is refused with ``error``, the answer AWS gives (§5.3).

    ``credential`` is the key's owner when the key exists (a signature mismatch), ``detail`` is None
    when the ``Authorization`` header or the date could not be read at all.
    """

    error: SigV4Error
    credential: LabCredential | None = None
    detail: SigV4Detail | None = None
    ok: ClassVar[bool] = False

    def detail_dict(self) -> dict[str, Any]:
        return {} if self.detail is None else self.detail.to_dict()


SigV4Check = SigV4Verified | SigV4Refused
"""The verdict on one request: narrow it with ``isinstance(check, SigV4Refused)``."""


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
        return SigV4Refused(
            error=sigv4_error(
                MISSING_TOKEN,
                kind="MissingAuthenticationTokenException",
                response="MISSING_AUTHENTICATION_TOKEN",
            )
        )
    fields = parse_authorization(header)
    if isinstance(fields, SigV4Error):
        return SigV4Refused(error=fields)
    amz_date = request.headers.get("X-Amz-Date", "")
    if not amz_date:
        return SigV4Refused(error=sigv4_error(MISSING_DATE, kind="IncompleteSignatureException"))
    key_id, *scope_parts = fields["Credential"].split("/")
    scope = "/".join(scope_parts)
    detail = SigV4Detail(access_key_id=key_id, amz_date=amz_date, credential_scope=scope)
    failure = scope_error([key_id, *scope_parts], amz_date=amz_date, region=region, service=service)
    failure = failure or skew_error(amz_date, now_ms)
    credential = credentials.get(key_id)
    if failure is None and credential is not None:
        failure = token_error(request, credential, now_ms)
    if failure is not None or credential is None:  # a scope or date failure comes before an unknown key
        unknown = sigv4_error(INVALID_TOKEN, kind="AccessDeniedException", response="ACCESS_DENIED")
        return SigV4Refused(error=failure or unknown, detail=detail)
    return _check_signature(request, fields, credential, scope=scope, raw_path=raw_path, detail=detail)


def _check_signature(
    request: Request,
    fields: Mapping[str, str],
    credential: LabCredential,
    *,
    scope: str,
    raw_path: str | None,
    detail: SigV4Detail,
) -> SigV4Check:
    """Recompute the signature over the signed headers and compare it with the one provided."""
    signed_headers = fields["SignedHeaders"].split(";")
    if "host" not in signed_headers:
        return SigV4Refused(
            error=sigv4_error("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."),
            detail=detail,
        )
    canonical = canonical_request(request, signed_headers=signed_headers, raw_path=raw_path or request.path)
    to_sign = string_to_sign(amz_date=detail.amz_date, scope=scope, canonical=canonical)
    expected = signature(secret=credential.secret_access_key, scope=scope, to_sign=to_sign)
    detail = replace(
        detail,
        signature=SignatureInputs(
            signed_headers=tuple(signed_headers),
            canonical_request=canonical,
            string_to_sign=to_sign,
            signature_provided=fields["Signature"],
            signature_expected=expected,
        ),
    )
    if not hmac.compare_digest(expected, fields["Signature"]):
        return SigV4Refused(credential=credential, error=sigv4_error(SIGNATURE_MISMATCH), detail=detail)
    return SigV4Verified(credential=credential, detail=detail)
