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
from dataclasses import dataclass, field
from typing import Any

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
    "SigV4Error",
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
class SigV4Check:
    """The verdict on one request: the caller's credential, or the error AWS would answer with."""

    credential: LabCredential | None = None
    error: SigV4Error | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


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
            error=sigv4_error(
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
        return SigV4Check(error=sigv4_error(MISSING_DATE, kind="IncompleteSignatureException"))
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
        failure = sigv4_error(INVALID_TOKEN, kind="AccessDeniedException", response="ACCESS_DENIED")
    if failure is None and credential is not None:
        failure = token_error(request, credential, now_ms)
    if failure is not None:
        return SigV4Check(error=failure, detail=detail)
    assert credential is not None
    scope = "/".join(scope_parts)
    return _check_signature(
        request, fields, credential, amz_date=amz_date, scope=scope, raw_path=raw_path, detail=detail
    )


def _check_signature(
    request: Request,
    fields: Mapping[str, str],
    credential: LabCredential,
    *,
    amz_date: str,
    scope: str,
    raw_path: str | None,
    detail: dict[str, Any],
) -> SigV4Check:
    """Recompute the signature over the signed headers and compare it with the one provided."""
    signed_headers = fields["SignedHeaders"].split(";")
    if "host" not in signed_headers:
        return SigV4Check(
            error=sigv4_error("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."),
            detail=detail,
        )
    canonical = canonical_request(request, signed_headers=signed_headers, raw_path=raw_path or request.path)
    to_sign = string_to_sign(amz_date=amz_date, scope=scope, canonical=canonical)
    expected = signature(secret=credential.secret_access_key, scope=scope, to_sign=to_sign)
    detail |= {
        "signed_headers": signed_headers,
        "canonical_request": canonical,
        "string_to_sign": to_sign,
        "signature_provided": fields["Signature"],
        "signature_expected": expected,
    }
    if not hmac.compare_digest(expected, fields["Signature"]):
        return SigV4Check(credential=credential, error=sigv4_error(SIGNATURE_MISMATCH), detail=detail)
    return SigV4Check(credential=credential, detail=detail)
