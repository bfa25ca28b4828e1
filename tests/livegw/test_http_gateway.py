"""The live gateway's HTTP side over real HTTP (uvicorn, as ``make run`` serves it): issue 12.

Each test stores an API of its own (a fresh id) so the server's shared Store starts empty for it.
"""

from __future__ import annotations

import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.conftest import AsgiServer
from tests.livegw.http_apis import fetch, method, stored_rest_api

pytestmark = pytest.mark.django_db(transaction=True)


def test_rest_answer_carries_aws_headers_and_raw_query(asgi_server: AsgiServer) -> None:
    """§6.1: the echo handler sees the path, every query value; the answer has AWS's id headers."""
    api = stored_rest_api({"/echo/{proxy+}": {"ANY": method("echo.handler")}})
    status, headers, body = fetch(f"{asgi_server.url}/gw/{api}/prod/echo/a/b?x=1&x=2&q=a%20b")
    assert status == 200
    assert headers["x-amzn-requestid"] and headers["x-amz-apigw-id"]
    event = json.loads(body)
    assert event["path"] == "/echo/a/b"
    assert event["multiValueQueryStringParameters"]["x"] == ["1", "2"]
    assert event["queryStringParameters"]["q"] == "a b"
    assert event["requestContext"]["stage"] == "prod"


def test_http_api_default_stage_at_root_keeps_raw_query_string(asgi_server: AsgiServer) -> None:
    """§6.2 / DESIGN.md: demo-http's $default stage answers at /gw/demo-http/<path>; rawQueryString as sent."""
    status, headers, body = fetch(f"{asgi_server.url}/gw/demo-http/pets/7?a=b%20c&a=d")
    assert status == 200
    assert headers["apigw-requestid"]
    event = json.loads(body)
    assert event["rawPath"] == "/pets/7"
    assert event["rawQueryString"] == "a=b%20c&a=d"
    assert event["queryStringParameters"]["a"] == "b c,d"


def test_unknown_resource_is_403_missing_authentication_token(asgi_server: AsgiServer) -> None:
    """§5.2: a REST API answers a path with no resource 403 Missing Authentication Token."""
    api = stored_rest_api({"/hello": {"GET": method("hello.handler")}})
    status, headers, body = fetch(f"{asgi_server.url}/gw/{api}/prod/nothing-here")
    assert status == 403
    assert json.loads(body) == {"message": "Missing Authentication Token"}
    assert headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"


def test_burst_beyond_the_bucket_gets_429(asgi_server: AsgiServer) -> None:
    """§3.1/§3.2: a stage bucket of burst 3 refilling 1/s admits 3 (or 4) of 12 quick requests; the rest 429."""
    api = stored_rest_api(
        {"/hello": {"GET": method("hello.handler")}},
        stage={"methodSettings": {"*/*": {"throttlingRateLimit": 1, "throttlingBurstLimit": 3}}},
    )
    started = time.monotonic()
    answers = [fetch(f"{asgi_server.url}/gw/{api}/prod/hello") for _ in range(12)]
    elapsed = time.monotonic() - started
    statuses = [status for status, _, _ in answers]
    assert set(statuses) <= {200, 429}
    assert 3 <= statuses.count(200) <= 3 + int(elapsed) + 1
    throttled = next(a for a in answers if a[0] == 429)
    assert json.loads(throttled[2]) == {"message": "Too Many Requests"}
    assert throttled[1]["x-amzn-errortype"] == "TooManyRequestsException"  # §5.2


def test_cached_response_is_served_without_calling_the_handler(asgi_server: AsgiServer) -> None:
    """§4: with caching on, the second GET is the stored answer: the function's call counter does not move."""
    api = stored_rest_api(
        {
            "/cached": {"GET": method("flaky.handler")},
            "/direct": {"GET": method("flaky.handler")},
        },
        stage={
            "cacheClusterEnabled": True,
            "methodSettings": {"cached/GET": {"cachingEnabled": True, "cacheTtlInSeconds": 60}},
        },
    )
    base = f"{asgi_server.url}/gw/{api}/prod"
    first = fetch(f"{base}/cached?every=100000")
    second = fetch(f"{base}/cached?every=100000")
    assert first[0] == second[0] == 200
    assert second[2] == first[2]  # the same body, including the call number
    assert second[1]["x-amzn-requestid"] != first[1]["x-amzn-requestid"]
    calls_before = json.loads(first[2])["call"]
    direct = json.loads(fetch(f"{base}/direct?every=100000")[2])["call"]
    assert direct == calls_before + 1  # the function ran once for the two /cached requests


def test_slow_handler_past_a_short_timeout_is_504(asgi_server: AsgiServer) -> None:
    """§5.1: the gateway stops waiting at timeoutInMillis and answers 504 Endpoint request timed out."""
    api = stored_rest_api({"/slow": {"GET": method("slow.handler", integration={"timeoutInMillis": 300})}})
    started = time.monotonic()
    status, headers, body = fetch(f"{asgi_server.url}/gw/{api}/prod/slow?delay_ms=5000")
    assert status == 504
    assert json.loads(body) == {"message": "Endpoint request timed out"}
    assert time.monotonic() - started < 3.0


def test_broken_proxy_response_is_502(asgi_server: AsgiServer) -> None:
    """§6.3: a proxy response with an unknown key is a 502 Internal server error."""
    api = stored_rest_api({"/broken": {"GET": method("broken_response.handler")}})
    status, headers, body = fetch(f"{asgi_server.url}/gw/{api}/prod/broken")
    assert status == 502
    assert json.loads(body) == {"message": "Internal server error"}


KEY_ID, SECRET = "AKIALABTESTHTTP00001", "lab/test/http/secret/key/000000000000001"


def _iam_api() -> str:
    return stored_rest_api(
        {"/iam": {"ANY": {**method("echo.handler"), "authorizationType": "AWS_IAM"}}},
        labAccess={
            "iamUsers": [
                {
                    "userName": "tester",
                    "accessKeys": [{"accessKeyId": KEY_ID, "secretAccessKey": SECRET}],
                    "policy": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
                    },
                }
            ]
        },
    )


def _signed(url: str, body: bytes) -> dict[str, str]:
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(KEY_ID, SECRET), "execute-api", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def test_sigv4_signed_by_botocore_is_accepted(asgi_server: AsgiServer) -> None:
    """§7.1: a request signed with botocore's SigV4Auth (the path as sent, /gw/… included) is let through."""
    url = f"{asgi_server.url}/gw/{_iam_api()}/prod/iam?b=2&a=1"
    body = b'{"order": 1}'
    status, _, answer = fetch(url, method="POST", headers=_signed(url, body), body=body)
    assert status == 200, answer
    assert json.loads(answer)["requestContext"]["identity"]["accessKey"] == KEY_ID


def test_sigv4_tampered_body_is_rejected(asgi_server: AsgiServer) -> None:
    """§7.1: the same signature over a changed body no longer matches: 403 and the signature message."""
    url = f"{asgi_server.url}/gw/{_iam_api()}/prod/iam"
    headers = _signed(url, b'{"order": 1}')
    status, _, answer = fetch(url, method="POST", headers=headers, body=b'{"order": 2}')
    assert status == 403
    assert "signature we calculated does not match" in json.loads(answer)["message"]


def test_unsigned_call_to_iam_route_is_missing_authentication_token(asgi_server: AsgiServer) -> None:
    """§5.3: an unsigned request to an AWS_IAM method is 403 Missing Authentication Token."""
    status, _, answer = fetch(f"{asgi_server.url}/gw/{_iam_api()}/prod/iam")
    assert status == 403
    assert json.loads(answer) == {"message": "Missing Authentication Token"}


def test_api_key_missing_is_403_and_spent_quota_is_429(asgi_server: AsgiServer) -> None:
    """§3.3: no key → 403 Forbidden; a key past its plan's quota → 429 Limit Exceeded."""
    key = "httpTestKey0123456789abc"
    api = stored_rest_api(
        {"/keyed": {"GET": method("hello.handler", apiKeyRequired=True)}},
        apiKeySource="HEADER",
        labAccess={
            "apiKeys": [{"id": "k1", "value": key, "name": "test", "enabled": True}],
            "usagePlans": [
                {
                    "id": "plan",
                    "apiStages": [{"apiId": "PLACEHOLDER", "stage": "prod"}],
                    "keys": ["k1"],
                    "quota": {"limit": 3, "period": "DAY", "offset": 0},
                }
            ],
        },
    )
    from gateway_lab.livegw.models import ApiDefinitionRecord

    record = ApiDefinitionRecord.objects.get(api_id=api)
    record.definition["labAccess"]["usagePlans"][0]["apiStages"][0]["apiId"] = api
    record.save()
    url = f"{asgi_server.url}/gw/{api}/prod/keyed"
    status, _, body = fetch(url)
    assert status == 403
    assert json.loads(body) == {"message": "Forbidden"}
    statuses = [fetch(url, headers={"x-api-key": key})[0] for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    status, _, body = fetch(url, headers={"x-api-key": key})
    assert json.loads(body) == {"message": "Limit Exceeded"}


def test_body_over_10_mb_is_413(asgi_server: AsgiServer) -> None:
    """§5.1/§5.3: more than 10 MB is refused at the front door with AWS's text body, before it is all read."""
    api = stored_rest_api({"/echo/{proxy+}": {"ANY": method("echo.handler")}})
    with socket.create_connection(("127.0.0.1", asgi_server.port), timeout=10) as conn:
        head = (
            f"POST /gw/{api}/prod/echo/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Length: {10 * 1024 * 1024 + 1}\r\nConnection: close\r\n\r\n"
        )
        conn.sendall(head.encode() + b"x" * 1024)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert answer.endswith(b"HTTP content length exceeded 10485760 bytes.")


def test_connections_stay_in_django(asgi_server: AsgiServer) -> None:
    """DESIGN.md: ``@connections`` under /gw/ is still the management API (401 without the lab token)."""
    status, _, _ = fetch(f"{asgi_server.url}/gw/demo-ws/prod/@connections/abc=")
    assert status in (401, 403)


def test_a_slow_handler_does_not_block_other_requests(asgi_server: AsgiServer) -> None:
    """The pipeline runs in worker threads: while one function sleeps 3 s, another request answers at once."""
    api = stored_rest_api(
        {
            "/slow": {"GET": method("slow.handler", integration={"timeoutInMillis": 5000})},
            "/hello": {"GET": method("hello.handler")},
        }
    )
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(fetch, f"{asgi_server.url}/gw/{api}/prod/slow?delay_ms=3000")
        time.sleep(0.3)  # the slow request is in its handler now
        started = time.monotonic()
        status, _, _ = fetch(f"{asgi_server.url}/gw/{api}/prod/hello")
        assert status == 200
        assert time.monotonic() - started < 1.0
        assert not slow.done()
        assert slow.result()[0] == 200
