"""The access-control stages inside the real pipeline (GATEWAY_FACTS.md §3.3, §7)."""

from __future__ import annotations

import json

from gateway_lab.engine.access import sigv4
from gateway_lab.engine.access.directory import AccessDirectory, access_of
from gateway_lab.engine.access.jwt import LabUserPool
from gateway_lab.engine.clock import VIRTUAL_EPOCH_MS, VirtualClock
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.engine.messages import Client, Request
from gateway_lab.engine.model_load import deploy
from gateway_lab.engine.pipeline import build_pipeline
from gateway_lab.engine.state import MemoryStore

from .pipelines import pipeline, rest_api

KEY = {"accessKeyId": "AKIAIOSFODNN7EXAMPLE", "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
INVOKE_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
}
HOST = "abc123.execute-api.us-east-1.amazonaws.com"


def _iam_api(policy: dict | None = INVOKE_ALL) -> dict:
    access = {"iamUsers": [{"userName": "svc", "accessKeys": [KEY], "policy": policy}]}
    return rest_api({"authorizationType": "AWS_IAM"}, extra={"labAccess": access})


def _signed(secret: str = KEY["secretAccessKey"]) -> Request:
    credential = sigv4.LabCredential(access_key_id=KEY["accessKeyId"], secret_access_key=secret, user_arn="x")
    request = Request.build("GET", "/pets", headers={"Host": HOST}, time_ms=VIRTUAL_EPOCH_MS)
    return sigv4.sign(
        request, credential=credential, region="us-east-1", time_ms=VIRTUAL_EPOCH_MS, raw_path="/prod/pets"
    )


def test_iam_stage_accepts_signed_request_and_fills_identity() -> None:
    """§7.1: a correctly signed request passes and the integration sees the caller's userArn."""
    p, _ = pipeline(_iam_api())
    trace = p.run(_signed())
    assert trace.step("auth").outcome == "pass"
    event = json.loads(trace.response.text())
    assert event["requestContext"]["identity"]["userArn"] == "arn:aws:iam::123456789012:user/svc"


def test_iam_stage_rejects_wrong_secret_with_invalid_signature() -> None:
    """§5.3: a wrong secret gives 403 InvalidSignatureException with AWS's message."""
    trace = pipeline(_iam_api())[0].run(_signed(secret="wrong"))
    assert trace.response.status == 403
    assert trace.response.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    assert "canonical_request" in trace.step("auth").detail


def test_iam_stage_unsigned_is_missing_authentication_token() -> None:
    """§5.3: unsigned request to an AWS_IAM method → 403 Missing Authentication Token."""
    trace = pipeline(_iam_api())[0].run(Request.build("GET", "/pets", time_ms=VIRTUAL_EPOCH_MS))
    assert (trace.response.status, json.loads(trace.response.text())) == (
        403,
        {"message": "Missing Authentication Token"},
    )


def test_iam_stage_identity_policy_without_allow_is_access_denied() -> None:
    """§5.3: a valid signature without an identity policy allow → 'no identity-based policy allows'."""
    trace = pipeline(_iam_api(policy=None))[0].run(_signed())
    body = json.loads(trace.response.text())
    assert trace.response.status == 403
    assert body["Message"].endswith("because no identity-based policy allows the execute-api:Invoke action")


def test_iam_stage_follows_a_changed_identity_policy() -> None:
    """§7.1, issue 11: the identity-policy verdict kept on the deployment is judged again when the
    caller's policy changes (the live gateway passes the account's current keys with each pipeline)."""
    deployment = deploy(_iam_api())
    clock = VirtualClock()

    def run(policy: dict | None) -> int:
        credential = sigv4.LabCredential(
            access_key_id=KEY["accessKeyId"],
            secret_access_key=KEY["secretAccessKey"],
            user_arn="arn:aws:iam::123456789012:user/svc",
            policy=policy,
        )
        p = build_pipeline(
            api=deployment,
            stage={"stageName": "prod"},
            clock=clock,
            store=MemoryStore(clock),
            runtime=IntegrationRuntime.default(clock=clock),
            access=AccessDirectory(credentials={KEY["accessKeyId"]: credential}),
        )
        return p.run(_signed()).response.status

    assert [run(INVOKE_ALL), run(None), run(dict(INVOKE_ALL)), run(None)] == [200, 403, 200, 403]


def _ip_policy_api() -> dict:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*",
                "Condition": {"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}},
            }
        ],
    }
    return rest_api({"authorizationType": "NONE"}, extra={"policy": policy})


def test_resource_policy_stage_allows_listed_ip() -> None:
    """§7.5: with no authorizer, an explicit Allow (IP in the CIDR) lets the request in."""
    trace = pipeline(_ip_policy_api())[0].run(
        Request.build("GET", "/pets", client=Client(source_ip="198.51.100.9"))
    )
    assert (trace.step("resource_policy").outcome, trace.response.status) == ("pass", 200)


def test_resource_policy_stage_denies_other_ip_with_capital_message() -> None:
    """§2, §7.5: an unlisted IP gets 403 {"Message": "User: anonymous is not authorized ..."}."""
    trace = pipeline(_ip_policy_api())[0].run(
        Request.build("GET", "/pets", client=Client(source_ip="203.0.113.5"))
    )
    body = json.loads(trace.response.text())
    assert trace.response.status == 403
    assert body["Message"].startswith(
        "User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:"
    )


def _lambda_api(token: str = "allow", ttl: int = 300) -> dict:
    authorizer = {
        "id": "auth1",
        "type": "TOKEN",
        "handler": "gateway_lab.functions.authorizers.static_token.handler",
        "identitySource": "method.request.header.Authorization",
        "authorizerResultTtlInSeconds": ttl,
    }
    return rest_api(
        {"authorizationType": "CUSTOM", "authorizerId": "auth1"},
        path="/{proxy+}",
        extra={"authorizers": [authorizer]},
    )


def test_lambda_authorizer_cache_trap_denies_second_path() -> None:
    """§7.2, §14.14: a cached policy naming /pets denies /orders with 'User is not authorized to access this resource'."""
    p, _ = pipeline(_lambda_api())
    first = p.run(Request.build("GET", "/pets", headers={"Authorization": "allow"}))
    second = p.run(Request.build("GET", "/orders", headers={"Authorization": "allow"}))
    assert (first.response.status, second.response.status) == (200, 403)
    assert second.step("auth").detail["cache"] == "hit"
    assert json.loads(second.response.text()) == {"Message": "User is not authorized to access this resource"}


def test_lambda_authorizer_ttl_zero_reinvokes_and_allows_second_path() -> None:
    """§7.2: with TTL 0 every request invokes the authorizer, so the trap disappears."""
    p, _ = pipeline(_lambda_api(ttl=0))
    p.run(Request.build("GET", "/pets", headers={"Authorization": "allow"}))
    assert p.run(Request.build("GET", "/orders", headers={"Authorization": "allow"})).response.status == 200


def test_lambda_authorizer_unauthorized_is_401() -> None:
    """§7.2: the exact error 'Unauthorized' gives 401 {"message":"Unauthorized"}."""
    trace = pipeline(_lambda_api())[0].run(Request.build("GET", "/pets", headers={"Authorization": "nope"}))
    assert (trace.response.status, json.loads(trace.response.text())) == (401, {"message": "Unauthorized"})


def test_lambda_authorizer_crash_is_500() -> None:
    """§7.2: any other error is 500 (AUTHORIZER_CONFIGURATION_ERROR)."""
    trace = pipeline(_lambda_api())[0].run(Request.build("GET", "/pets", headers={"Authorization": "fail"}))
    assert trace.response.status == 500


def test_lambda_authorizer_missing_identity_source_is_401_without_invoking() -> None:
    """§7.2: no Authorization header → 401 and the function is never called."""
    trace = pipeline(_lambda_api())[0].run(Request.build("GET", "/pets"))
    assert trace.response.status == 401
    assert "event" not in trace.step("auth").detail


def _cognito_api(pool: LabUserPool, scopes: list[str] | None = None) -> dict:
    authorizer = {
        "id": "cog",
        "type": "COGNITO_USER_POOLS",
        "providerARNs": [f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{pool.pool_id}"],
    }
    access = {
        "userPools": [
            {
                "id": pool.pool_id,
                "clientIds": ["app"],
                "users": [{"username": "maria", "password": "correct horse"}],
            }
        ]
    }
    method = {
        "authorizationType": "COGNITO_USER_POOLS",
        "authorizerId": "cog",
        "authorizationScopes": scopes or [],
    }
    return rest_api(method, extra={"authorizers": [authorizer], "labAccess": access})


def test_cognito_stage_passes_claims_to_integration() -> None:
    """§7.4, §6.1: a valid ID token passes and its claims reach requestContext.authorizer.claims."""
    api = _cognito_api(LabUserPool(pool_id="us-east-1_Stage1"))
    p, _ = pipeline(api)
    ctx_pool = access_of(p.start(Request.build("GET", "/pets"))).user_pools[
        "us-east-1_Stage1"
    ]  # this API's labAccess
    tokens = ctx_pool.sign_in("maria", "correct horse", client_id="app", now_s=int(VIRTUAL_EPOCH_MS / 1000))
    trace = p.run(Request.build("GET", "/pets", headers={"Authorization": tokens.id_token}))
    event = json.loads(trace.response.text())
    assert event["requestContext"]["authorizer"]["claims"]["cognito:username"] == "maria"


def test_api_key_stage_requires_key() -> None:
    """§3.3: apiKeyRequired without x-api-key → 403 Forbidden (INVALID_API_KEY)."""
    trace = pipeline(rest_api({"apiKeyRequired": True}))[0].run(Request.build("GET", "/pets"))
    assert (trace.response.status, json.loads(trace.response.text())) == (403, {"message": "Forbidden"})


def _keyed_api(limit: int = 2) -> dict:
    access = {
        "apiKeys": [{"id": "k1", "value": "acme0123456789abcdefXYZ"}],
        "usagePlans": [
            {
                "id": "p1",
                "apiStages": [{"apiId": "abc123", "stage": "prod"}],
                "keys": ["k1"],
                "quota": {"limit": limit, "period": "DAY"},
            }
        ],
    }
    return rest_api({"apiKeyRequired": True}, extra={"labAccess": access})


def test_api_key_stage_quota_exhausted_is_429_limit_exceeded() -> None:
    """§3.3: past the quota the key gets 429 {"message":"Limit Exceeded"}; remaining quota is in the step."""
    p, _ = pipeline(_keyed_api(limit=2))
    request = Request.build("GET", "/pets", headers={"x-api-key": "acme0123456789abcdefXYZ"})
    traces = [p.run(request) for _ in range(3)]
    assert [t.response.status for t in traces] == [200, 200, 429]
    assert traces[0].step("api_key").detail["quota_remaining"] == 1
    assert json.loads(traces[2].response.text()) == {"message": "Limit Exceeded"}


class _SharedQuotaStore(MemoryStore):
    """A store that spends quotas in one step, as the live gateway's Redis store does (issue 12)."""

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__(clock)
        self.spent: list[tuple[str, int]] = []

    def spend_quota(self, key: str, limit: int, *, ttl_ms: float) -> tuple[bool, int]:
        self.spent.append((key, limit))
        used = int(self.get(key) or 0)
        return (False, used) if used >= limit else (True, self.incr(key, ttl_ms=ttl_ms))


def test_api_key_stage_spends_the_quota_through_the_store_when_it_can() -> None:
    """§3.3: a store shared by processes spends the quota atomically; the stage asks it once per request."""
    clock = VirtualClock()
    store = _SharedQuotaStore(clock)
    p = build_pipeline(
        api=_keyed_api(limit=2),
        stage={"stageName": "prod"},
        clock=clock,
        store=store,
        runtime=IntegrationRuntime.default(clock=clock),
    )
    request = Request.build("GET", "/pets", headers={"x-api-key": "acme0123456789abcdefXYZ"})
    traces = [p.run(request) for _ in range(3)]
    assert [t.response.status for t in traces] == [200, 200, 429]
    assert [t.step("api_key").detail["quota_used"] for t in traces] == [1, 2, 2]
    assert [limit for _, limit in store.spent] == [2, 2, 2]
