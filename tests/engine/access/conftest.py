"""Shared helpers for the access-control tests: botocore-signed requests, lab credentials, lab user pools."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from gateway_lab.engine.access.sigv4 import LabCredential, parse_amz_date
from gateway_lab.engine.messages import Headers, Request

REGION = "us-east-1"
HOST = "abc123.execute-api.us-east-1.amazonaws.com"


@pytest.fixture
def credential() -> LabCredential:
    return LabCredential(
        access_key_id="AKIAIOSFODNN7EXAMPLE",
        secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        user_arn="arn:aws:iam::123456789012:user/alice",
    )


def botocore_signed(
    credential: LabCredential,
    *,
    method: str = "POST",
    url: str = f"https://{HOST}/prod/pets/1?b=2&a=x%20y",
    body: bytes = b'{"name":"rex"}',
    headers: dict[str, str] | None = None,
    region: str = REGION,
    service: str = "execute-api",
    secret: str | None = None,
) -> tuple[Request, str]:
    """Sign with botocore's SigV4Auth and return (engine request, raw path with the stage)."""
    aws_request = AWSRequest(
        method=method, url=url, data=body, headers={"Content-Type": "application/json", **(headers or {})}
    )
    creds = Credentials(
        credential.access_key_id, secret or credential.secret_access_key, credential.session_token
    )
    SigV4Auth(creds, service, region).add_auth(aws_request)
    parts = urlsplit(url)
    request = Request(
        method=method,
        path=parts.path,
        query=tuple(parse_qsl(parts.query, keep_blank_values=True)),
        headers=Headers([("Host", parts.netloc), *aws_request.headers.items()]),
        body=body,
    )
    return request, parts.path


def signed_at_ms(request: Request) -> float:
    """When botocore signed the request (its X-Amz-Date), so tests verify 'now' without mocking time."""
    value = parse_amz_date(request.headers["X-Amz-Date"])
    assert value is not None
    return value
