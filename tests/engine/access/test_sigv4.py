"""SigV4 verification against requests signed by botocore (GATEWAY_FACTS.md §7.1, §5.3)."""

from __future__ import annotations

from dataclasses import replace

from gateway_lab.engine.access import sigv4
from gateway_lab.engine.access.sigv4 import LabCredential
from gateway_lab.engine.messages import Request

from .conftest import REGION, botocore_signed, signed_at_ms


def _verify(
    request: Request, raw_path: str, credential: LabCredential, *, now_ms: float | None = None
) -> sigv4.SigV4Check:
    now = signed_at_ms(request) if now_ms is None else now_ms
    return sigv4.verify(
        request,
        credentials={credential.access_key_id: credential},
        region=REGION,
        now_ms=now,
        raw_path=raw_path,
    )


def test_sigv4_accepts_botocore_signed_request(credential: LabCredential) -> None:
    """§7.1: a request signed by botocore's SigV4Auth for service execute-api verifies."""
    request, raw_path = botocore_signed(credential)
    check = _verify(request, raw_path, credential)
    assert check.ok, check.error
    assert check.credential == credential


def test_sigv4_accepts_botocore_signed_get_without_body(credential: LabCredential) -> None:
    """§7.1: an empty payload hashes to SHA-256 of b'' on both sides."""
    request, raw_path = botocore_signed(
        credential, method="GET", url="https://abc123.execute-api.us-east-1.amazonaws.com/prod/", body=b""
    )
    assert _verify(request, raw_path, credential).ok


def test_sigv4_accepts_percent_encoded_path_and_repeated_query(credential: LabCredential) -> None:
    """§7.1: the canonical URI double-encodes the raw path; repeated query keys sort by value."""
    url = "https://abc123.execute-api.us-east-1.amazonaws.com/prod/users/a%40b.com?tag=z&tag=a&q=caf%C3%A9"
    request, raw_path = botocore_signed(credential, method="GET", url=url, body=b"")
    assert _verify(request, raw_path, credential).ok


def test_sigv4_accepts_session_token(credential: LabCredential) -> None:
    """§7.1: temporary credentials sign with X-Amz-Security-Token."""
    temporary = replace(credential, session_token="FwoGZXIvYXdzEXAMPLETOKEN")
    request, raw_path = botocore_signed(temporary)
    assert _verify(request, raw_path, temporary).ok


def test_sigv4_detail_shows_canonical_request_and_string_to_sign(credential: LabCredential) -> None:
    """§7.1: the step shows the canonical request and the string to sign."""
    request, raw_path = botocore_signed(credential)
    check = _verify(request, raw_path, credential)
    assert isinstance(check, sigv4.SigV4Verified) and check.detail.signature is not None
    inputs = check.detail.signature
    assert inputs.canonical_request.startswith("POST\n/prod/pets/1\na=x%20y&b=2\n")
    assert inputs.string_to_sign.startswith("AWS4-HMAC-SHA256\n" + request.headers["X-Amz-Date"])
    assert check.detail_dict()["canonical_request"] == inputs.canonical_request  # the step's JSON detail


def test_sigv4_unsigned_request_is_missing_authentication_token(credential: LabCredential) -> None:
    """§5.3: an unsigned request to an AWS_IAM method gets 403 Missing Authentication Token."""
    check = _verify(Request.build("GET", "/prod/pets"), "/prod/pets", credential, now_ms=0)
    assert check.error == sigv4.SigV4Error(
        status=403,
        error_type="MissingAuthenticationTokenException",
        gateway_response_type="MISSING_AUTHENTICATION_TOKEN",
        message="Missing Authentication Token",
    )


def test_sigv4_bearer_token_is_not_a_key_value_pair(credential: LabCredential) -> None:
    """§5.3: a bearer token in Authorization is 'not a valid key=value pair (missing equal-sign)'."""
    request = Request.build("GET", "/prod/pets", headers={"Authorization": "Bearer eyJabc"})
    error = _verify(request, "/prod/pets", credential, now_ms=0).error
    assert error is not None
    assert error.error_type == "IncompleteSignatureException"
    assert "not a valid key=value pair (missing equal-sign) in Authorization header" in error.message


def test_sigv4_tampered_body_is_signature_mismatch(credential: LabCredential) -> None:
    """§5.3: changing one byte of the body gives InvalidSignatureException and AWS's message."""
    request, raw_path = botocore_signed(credential)
    tampered = replace(request, body=b'{"name":"rez"}')
    error = _verify(tampered, raw_path, credential).error
    assert error is not None
    assert (error.status, error.error_type, error.message) == (
        403,
        "InvalidSignatureException",
        sigv4.SIGNATURE_MISMATCH,
    )


def test_sigv4_tampered_signed_header_is_signature_mismatch(credential: LabCredential) -> None:
    """§5.3: changing a signed header after signing breaks the signature."""
    request, raw_path = botocore_signed(credential)
    tampered = replace(request, headers=request.headers.with_header("Content-Type", "text/plain"))
    assert _verify(tampered, raw_path, credential).error.message == sigv4.SIGNATURE_MISMATCH


def test_sigv4_tampered_query_is_signature_mismatch(credential: LabCredential) -> None:
    """§5.3: changing a query value after signing breaks the signature."""
    request, raw_path = botocore_signed(credential)
    tampered = replace(request, query=(("a", "x y"), ("b", "3")))
    assert _verify(tampered, raw_path, credential).error.message == sigv4.SIGNATURE_MISMATCH


def test_sigv4_wrong_secret_is_signature_mismatch(credential: LabCredential) -> None:
    """§5.3: signing with the wrong secret gives the signature-mismatch message."""
    request, raw_path = botocore_signed(credential, secret="not-the-secret")
    assert _verify(request, raw_path, credential).error.message == sigv4.SIGNATURE_MISMATCH


def test_sigv4_changed_date_is_signature_mismatch(credential: LabCredential) -> None:
    """§5.3: moving X-Amz-Date by one second (same day) breaks the signature."""
    request, raw_path = botocore_signed(credential)
    amz_date = request.headers["X-Amz-Date"]
    moved = sigv4.amz_date_of(signed_at_ms(request) + (1000 if amz_date[-3:-1] != "59" else -1000))
    tampered = replace(request, headers=request.headers.with_header("X-Amz-Date", moved))
    assert _verify(tampered, raw_path, credential).error.message == sigv4.SIGNATURE_MISMATCH


def test_sigv4_wrong_region_is_rejected(credential: LabCredential) -> None:
    """§5.3: a credential scoped to another Region is rejected with 'scoped to a valid region'."""
    request, raw_path = botocore_signed(credential, region="eu-west-1")
    error = _verify(request, raw_path, credential).error
    assert error.message == "Credential should be scoped to a valid region, not 'eu-west-1'."


def test_sigv4_wrong_service_is_rejected(credential: LabCredential) -> None:
    """§7.1: the signing service must be execute-api."""
    request, raw_path = botocore_signed(credential, service="apigateway")
    error = _verify(request, raw_path, credential).error
    assert error.message == "Credential should be scoped to correct service: 'execute-api'."


def test_sigv4_stale_signature_is_expired(credential: LabCredential) -> None:
    """§5.3: a signature older than 5 minutes gets 'Signature expired: … (now - 5 min.)'."""
    request, raw_path = botocore_signed(credential)
    now = signed_at_ms(request) + 6 * 60 * 1000
    error = _verify(request, raw_path, credential, now_ms=now).error
    earliest = sigv4.amz_date_of(now - 5 * 60 * 1000)
    expected = f"Signature expired: {request.headers['X-Amz-Date']} is now earlier than {earliest} ({sigv4.amz_date_of(now)} - 5 min.)"
    assert (error.error_type, error.message) == ("InvalidSignatureException", expected)


def test_sigv4_within_skew_window_is_accepted(credential: LabCredential) -> None:
    """§7.1: the validity window is 5 minutes, so 4 minutes late still verifies."""
    request, raw_path = botocore_signed(credential)
    assert _verify(request, raw_path, credential, now_ms=signed_at_ms(request) + 4 * 60 * 1000).ok


def test_sigv4_future_signature_is_not_yet_current(credential: LabCredential) -> None:
    """§5.3: a signature more than 5 minutes in the future is 'not yet current'."""
    request, raw_path = botocore_signed(credential)
    error = _verify(request, raw_path, credential, now_ms=signed_at_ms(request) - 6 * 60 * 1000).error
    assert error.message.startswith(
        f"Signature not yet current: {request.headers['X-Amz-Date']} is still later than"
    )


def test_sigv4_unknown_access_key_is_invalid_security_token(credential: LabCredential) -> None:
    """§5.3: an access key the gateway does not know gets 'The security token included in the request is invalid.'"""
    request, raw_path = botocore_signed(replace(credential, access_key_id="AKIAUNKNOWNKEY000000"))
    error = _verify(request, raw_path, credential).error
    assert (error.error_type, error.message) == (
        "AccessDeniedException",
        "The security token included in the request is invalid.",
    )


def test_sigv4_missing_session_token_is_invalid(credential: LabCredential) -> None:
    """§7.1: temporary credentials without X-Amz-Security-Token are rejected."""
    temporary = replace(credential, session_token="FwoGZXIvYXdzEXAMPLETOKEN")
    request, raw_path = botocore_signed(credential)
    assert _verify(request, raw_path, temporary).error.message == sigv4.INVALID_TOKEN


def test_sigv4_expired_temporary_credential_is_expired_token(credential: LabCredential) -> None:
    """§5.2: expired temporary credentials get EXPIRED_TOKEN."""
    request, raw_path = botocore_signed(replace(credential, session_token="tok"))
    expired = replace(credential, session_token="tok", expires_ms=signed_at_ms(request) - 1)
    error = _verify(request, raw_path, expired).error
    assert (error.gateway_response_type, error.error_type) == ("EXPIRED_TOKEN", "ExpiredTokenException")


def test_sigv4_missing_date_is_incomplete(credential: LabCredential) -> None:
    """§5.3: without X-Amz-Date the Authorization header is incomplete."""
    request, raw_path = botocore_signed(credential)
    undated = replace(request, headers=request.headers.without("X-Amz-Date"))
    assert _verify(undated, raw_path, credential, now_ms=0).error.message == sigv4.MISSING_DATE


def test_sigv4_lab_signer_matches_botocore(credential: LabCredential) -> None:
    """§7.1: the lab's own signer produces botocore's Authorization header byte for byte."""
    request, raw_path = botocore_signed(credential)
    unsigned = replace(request, headers=request.headers.without("Authorization").without("X-Amz-Date"))
    ours = sigv4.sign(
        unsigned, credential=credential, region=REGION, time_ms=signed_at_ms(request), raw_path=raw_path
    )
    assert ours.headers["Authorization"] == request.headers["Authorization"]
