"""SigV4 failures as data: AWS's messages, error types and gateway responses (§7.1, §5.2, §5.3).

Each check returns the ``SigV4Error`` AWS would answer with, or None; ``sigv4.verify`` runs them
in AWS's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..messages import Request
from .sigv4_signing import ALGORITHM, AMZ_DATE_FORMAT, TERMINATOR, LabCredential, parse_amz_date

SKEW_MS = 5 * 60 * 1000

MISSING_TOKEN = "Missing Authentication Token"
INVALID_TOKEN = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)
MISSING_DATE = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."


@dataclass(frozen=True, slots=True, kw_only=True)
class SigV4Error:
    status: int
    error_type: str  # the x-amzn-ErrorType header
    gateway_response_type: str  # §5.2
    message: str


def sigv4_error(
    message: str, *, kind: str = "InvalidSignatureException", response: str = "INVALID_SIGNATURE"
) -> SigV4Error:
    """Return a 403 SigV4 failure; most are ``InvalidSignatureException`` / ``INVALID_SIGNATURE``."""
    return SigV4Error(status=403, error_type=kind, gateway_response_type=response, message=message)


def skew_error(amz_date: str, now_ms: float) -> SigV4Error | None:
    """Return AWS's error when the signing time is more than 5 minutes from ``now_ms``."""
    signed_ms = parse_amz_date(amz_date)
    if signed_ms is None:
        return sigv4_error(MISSING_DATE, kind="IncompleteSignatureException")
    if now_ms - SKEW_MS <= signed_ms <= now_ms + SKEW_MS:
        return None
    now = datetime.fromtimestamp(now_ms / 1000, tz=UTC)
    if signed_ms < now_ms - SKEW_MS:
        earliest = (now - timedelta(milliseconds=SKEW_MS)).strftime(AMZ_DATE_FORMAT)
        return sigv4_error(
            f"Signature expired: {amz_date} is now earlier than {earliest} ({now.strftime(AMZ_DATE_FORMAT)} - 5 min.)"
        )
    if signed_ms > now_ms + SKEW_MS:
        latest = (now + timedelta(milliseconds=SKEW_MS)).strftime(AMZ_DATE_FORMAT)
        return sigv4_error(
            f"Signature not yet current: {amz_date} is still later than {latest} ({now.strftime(AMZ_DATE_FORMAT)} + 5 min.)"
        )
    return None


# Authorization header and credential scope -------------------------------------------------


def parse_authorization(value: str) -> dict[str, str] | SigV4Error:
    """Split ``AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`` into its fields."""
    algorithm, _, rest = value.strip().partition(" ")
    fields: dict[str, str] = {}
    for part in (p.strip() for p in rest.split(",")):
        name, eq, content = part.partition("=")
        if not eq or algorithm != ALGORITHM:
            bad = part or algorithm
            return sigv4_error(
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
        return sigv4_error(" ".join(missing) + f" Authorization={value}", kind="IncompleteSignatureException")
    return fields


def scope_error(parts: list[str], *, amz_date: str, region: str, service: str) -> SigV4Error | None:
    """Check the ``date/region/service/aws4_request`` credential scope like AWS, in AWS's order."""
    if len(parts) != 5 or parts[4] != TERMINATOR:
        last = parts[-1] if parts else ""
        return sigv4_error(
            f"Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{last}'."
        )
    if parts[3] != service:
        return sigv4_error(f"Credential should be scoped to correct service: '{service}'.")
    if parts[2] != region:
        return sigv4_error(f"Credential should be scoped to a valid region, not '{parts[2]}'.")
    if parts[1] != amz_date[:8]:
        return sigv4_error(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{parts[1]}' != '{amz_date[:8]}', from '{amz_date}'."
        )
    return None


def token_error(request: Request, credential: LabCredential, now_ms: float) -> SigV4Error | None:
    """Check ``X-Amz-Security-Token`` against the credential (temporary credentials need it)."""
    sent = request.headers.get("X-Amz-Security-Token")
    if sent != credential.session_token:
        return sigv4_error(INVALID_TOKEN, kind="AccessDeniedException", response="ACCESS_DENIED")
    if credential.expires_ms is not None and now_ms >= credential.expires_ms:
        return sigv4_error(EXPIRED_TOKEN, kind="ExpiredTokenException", response="EXPIRED_TOKEN")
    return None
