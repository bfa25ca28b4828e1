"""Tokens and access keys created on /lab/ are what the engine's authorizers accept (GATEWAY_FACTS.md §7.1, §7.3, §7.4)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from gateway_lab.engine.access.sigv4 import parse_amz_date
from gateway_lab.engine.clock import VIRTUAL_EPOCH_MS, VirtualClock
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.engine.messages import Headers, Request, Response
from gateway_lab.engine.pipeline import build_pipeline
from gateway_lab.engine.simulate import simulate
from gateway_lab.engine.state import MemoryStore
from gateway_lab.labaccess import selectors, services
from gateway_lab.labaccess.models import LabCredential, LabUserPool

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

ECHO = {"type": "AWS_PROXY", "httpMethod": "POST", "handler": "echo"}
HOST = "abc123.execute-api.us-east-1.amazonaws.com"


def _rest_api(method: dict, **extra) -> dict:
    return {
        "id": "abc123",
        "protocolType": "REST",
        "region": "us-east-1",
        "resources": [{"path": "/pets", "resourceMethods": {"ANY": {"methodIntegration": ECHO, **method}}}],
        **extra,
    }


def _cognito_api(pool: LabUserPool, **extra) -> dict:
    arn = f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{pool.pool_id}"
    authorizer = {"id": "cog", "type": "COGNITO_USER_POOLS", "providerARNs": [arn]}
    method = {"authorizationType": "COGNITO_USER_POOLS", "authorizerId": "cog"}
    return _rest_api(method, authorizers=[authorizer], **extra)


def _simulate_with_token(pool: LabUserPool, token: str) -> int:
    api = _cognito_api(pool, labAccess=selectors.lab_access_block(pools=[pool]))
    run = simulate(
        api=api, requests=[{"method": "GET", "path": "/pets", "headers": {"Authorization": token}}]
    )
    return run.traces[0].response.status


def _id_token(pool: LabUserPool, *, now_s: int) -> str:
    return services.user_sign_in(pool=pool, username="maria", password=PASSWORD, now_s=now_s).id_token


def _pipeline(api: dict, *, now_ms: float, stage: str = "prod"):
    clock = VirtualClock(now_ms)
    return build_pipeline(
        api=api,
        stage={"stageName": stage},
        clock=clock,
        store=MemoryStore(clock),
        runtime=IntegrationRuntime.default(clock=clock),
        access=selectors.access_directory(),
    )


def test_simulation_accepts_a_lab_id_token(pool, maria):
    """§7.4: an ID token from the lab pool passes a Cognito authorizer naming that pool (200)."""
    # The simulation runs on the virtual clock, so the token is issued at its epoch.
    assert _simulate_with_token(pool, _id_token(pool, now_s=int(VIRTUAL_EPOCH_MS / 1000))) == 200


def test_simulation_rejects_a_tampered_lab_id_token(pool, maria):
    """§7.4: the same token with one payload character changed fails the signature check (401)."""
    token = _id_token(pool, now_s=int(VIRTUAL_EPOCH_MS / 1000))
    header, payload, signature = token.split(".")
    tampered = ".".join(
        [header, payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1], signature]
    )
    assert _simulate_with_token(pool, tampered) == 401


def test_simulation_passes_lab_user_claims_to_the_integration(pool, maria):
    """§7.4, §6.1: the integration sees the lab user's claims in requestContext.authorizer.claims."""
    token = _id_token(pool, now_s=int(VIRTUAL_EPOCH_MS / 1000))
    api = _cognito_api(pool, labAccess=selectors.lab_access_block(pools=[pool]))
    run = simulate(
        api=api, requests=[{"method": "GET", "path": "/pets", "headers": {"Authorization": token}}]
    )
    claims = json.loads(run.traces[0].response.text())["requestContext"]["authorizer"]["claims"]
    assert (claims["cognito:username"], claims["email"]) == ("maria", "m@example.com")


def test_access_directory_serves_pools_to_a_live_pipeline(pool, maria):
    """§7.4: a pipeline built with access_directory() accepts a token issued now, checked at now."""
    now_s = 1_790_000_000
    api = _cognito_api(pool)
    trace = _pipeline(api, now_ms=now_s * 1000).run(
        Request.build(
            "GET", "/pets", headers={"Authorization": _id_token(pool, now_s=now_s)}, time_ms=now_s * 1000
        )
    )
    assert trace.response.status == 200


def test_http_api_jwt_authorizer_rejects_expired_lab_token_with_www_authenticate(pool, maria):
    """§7.3: an HTTP API JWT authorizer refuses a lab token an hour and a second old: 401 with www-authenticate."""
    now_s = 1_790_000_000
    authorizer = {
        "id": "jwt1",
        "authorizerType": "JWT",
        "identitySource": ["$request.header.Authorization"],
        "jwtConfiguration": {"issuer": pool.issuer, "audience": [pool.client_id]},
    }
    route = {"routeKey": "GET /pets", "authorizationType": "JWT", "authorizerId": "jwt1",
             "integration": {"type": "AWS_PROXY", "handler": "echo", "payloadFormatVersion": "2.0"}}  # fmt: skip
    api = {"id": "httpapi", "protocolType": "HTTP", "routes": [route], "authorizers": [authorizer]}
    token = _id_token(pool, now_s=now_s)
    later_ms = (now_s + 3601) * 1000
    trace = _pipeline(api, now_ms=later_ms, stage="$default").run(
        Request.build("GET", "/pets", headers={"Authorization": f"Bearer {token}"}, time_ms=later_ms)
    )
    assert trace.response.status == 401
    assert "invalid_token" in trace.response.headers["www-authenticate"]


def _botocore_signed(credential: LabCredential, *, secret: str | None = None, method: str = "GET") -> Request:
    """Sign like boto3 does (botocore's SigV4Auth, service execute-api) and return the engine request."""
    url = f"https://{HOST}/prod/pets"
    aws = AWSRequest(method=method, url=url, data=b"")
    SigV4Auth(
        Credentials(credential.access_key_id, secret or credential.secret_access_key),
        "execute-api",
        "us-east-1",
    ).add_auth(aws)
    headers = Headers([("Host", urlsplit(url).netloc), *aws.headers.items()])
    signed_ms = parse_amz_date(aws.headers["X-Amz-Date"])
    return Request(method=method, path="/pets", headers=headers, body=b"", time_ms=signed_ms)


def _run_signed(request: Request) -> Response:
    return (
        _pipeline(_rest_api({"authorizationType": "AWS_IAM"}), now_ms=request.time_ms).run(request).response
    )


def test_sigv4_request_signed_with_lab_credentials_passes(db):
    """§7.1: a request botocore signs with a key created on /lab/ passes an AWS_IAM method (200)."""
    credential = services.credential_create(owner=None)
    assert _run_signed(_botocore_signed(credential)).status == 200


def test_sigv4_request_signed_with_wrong_secret_is_403(db):
    """§7.1: the same request signed with a wrong secret is 403 (signature mismatch)."""
    credential = services.credential_create(owner=None)
    response = _run_signed(_botocore_signed(credential, secret="x" * 40))
    assert (response.status, response.headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")


def test_sigv4_identity_policy_of_lab_credentials_is_enforced(db):
    """§7.1, §7.5: the default policy allows GET only, so a correctly signed DELETE is 403."""
    credential = services.credential_create(owner=None)
    response = _run_signed(_botocore_signed(credential, method="DELETE"))
    assert response.status == 403
    assert "lab-anonymous is not authorized to perform: execute-api:Invoke" in response.text()
