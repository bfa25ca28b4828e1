"""The floor for the engine benchmark: bare Python doing only the irreducible work of one request.

``bench/ceilings.py`` divides the engine's requests/s by this floor's, measured in the same run.
One request to ``GET /pets/{id}`` (bench/engine.py's API: a REST Lambda proxy ``echo``) costs here:

- a route lookup in a dict (method and resource template; the id is the path's last segment);
- one token bucket (refill by elapsed time, take one token);
- with the stage cache on, a dict lookup by cache key, and on a hit nothing more;
- on a miss, the 2.4 KB payload-1.0 proxy event as a dict literal (the same fields and values the
  engine sends, §6.1), the ``echo`` handler itself (``gateway_lab.functions.echo``: it JSON-encodes
  the event), and a response dict (status, headers, body) that goes into the cache.

What it leaves out, on purpose: everything that makes the engine a teaching tool rather than a
proxy — the trace (a step per stage with its reason, timings and message ids), the stages that
decide to skip (resource policy, authorizers, API keys, validation), header normalisation and
multi-value maps built from a real request object, CloudFront/edge headers computed per request,
request ids and virtual time, mapping templates, error handling and AWS's error shapes, usage plans
and account-level throttles. The engine can never reach the floor; the ratio says how much of its
time goes to that work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from gateway_lab.functions.echo import handler as echo

HOST = "bench.execute-api.us-east-1.amazonaws.com"
ROUTES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/pets/{id}"): {"resourceId": "88205e", "function": echo, "cacheTtlMs": 300_000},
}
HEADERS = {
    "CloudFront-Forwarded-Proto": "https",
    "CloudFront-Is-Desktop-Viewer": "true",
    "CloudFront-Is-Mobile-Viewer": "false",
    "CloudFront-Is-SmartTV-Viewer": "false",
    "CloudFront-Is-Tablet-Viewer": "false",
    "CloudFront-Viewer-ASN": "64496",
    "CloudFront-Viewer-Country": "US",
    "Host": HOST,
    "Via": "2.0 e3e70682c2094caca29f6fbed82c07cd.cloudfront.net (CloudFront)",
    "X-Amz-Cf-Id": "afb37818d64418cd3ca1dbb2c315aa360be81cbcc2d085ebfec5802d",
    "X-Amzn-Trace-Id": "Root=1-6955b900-e3e70682c2094caca29f6fbe",
    "X-Forwarded-For": "203.0.113.10, 130.176.0.1",
    "X-Forwarded-Port": "443",
    "X-Forwarded-Proto": "https",
}


class Bucket:
    """One token bucket: ``rate`` tokens per second up to ``burst``."""

    __slots__ = ("burst", "last_ms", "rate", "tokens")

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst, self.tokens, self.last_ms = rate, burst, burst, 0.0

    def take(self, now_ms: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now_ms - self.last_ms) * self.rate / 1000)
        self.last_ms = now_ms
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Floor:
    """A gateway that does nothing but the list in the module docstring."""

    def __init__(self, *, cache: bool) -> None:
        self.bucket = Bucket(10_000.0, 5_000.0)
        self.cache: dict[str, tuple[float, dict[str, Any]]] | None = {} if cache else None

    def handle(self, method: str, path: str, now_ms: float) -> dict[str, Any]:
        prefix, _, pet_id = path.rpartition("/")
        route = ROUTES.get((method, prefix + "/{id}"))
        if route is None:
            return {"statusCode": 404, "headers": {}, "body": '{"message":"Not Found"}'}
        if not self.bucket.take(now_ms):
            return {"statusCode": 429, "headers": {}, "body": '{"message":"Too Many Requests"}'}
        key = f"{method} /pets/{{id}} id={pet_id}"
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None and hit[0] > now_ms:
                return hit[1]
        event = _event(method, path, pet_id, route["resourceId"], now_ms)
        result = route["function"](event, None)
        response = {
            "statusCode": result["statusCode"],
            "headers": dict(result["headers"]),
            "body": result["body"],
        }
        if self.cache is not None:
            self.cache[key] = (now_ms + route["cacheTtlMs"], response)
        return response


def _event(method: str, path: str, pet_id: str, resource_id: str, now_ms: float) -> dict[str, Any]:
    return {
        "resource": "/pets/{id}",
        "path": path,
        "httpMethod": method,
        "headers": dict(HEADERS),
        "multiValueHeaders": {name: [value] for name, value in HEADERS.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"id": pet_id},
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "bench",
            "deploymentId": "f312b6",
            "domainName": HOST,
            "domainPrefix": "bench",
            "extendedRequestId": "QkheCl0vNGuqlFU=",
            "httpMethod": method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": "203.0.113.10",
                "user": None,
                "userAgent": "curl/8.5.0",
                "userArn": None,
            },
            "path": "/prod" + path,
            "protocol": "HTTP/1.1",
            "requestId": "e3e70682-c209-4cac-a29f-6fbed82c07cd",
            "requestTime": "01/Jan/2026:00:00:00 +0000",
            "requestTimeEpoch": int(now_ms),
            "resourceId": resource_id,
            "resourcePath": "/pets/{id}",
            "stage": "prod",
        },
        "body": None,
        "isBase64Encoded": False,
    }


def rate(
    *,
    cache: bool,
    total: int = 20_000,
    distinct_ids: int = 100,
    timer: Callable[[], float] = time.perf_counter,
) -> float:
    """Requests/s through the floor, ``total`` requests 1 ms apart (as bench/engine.py runs the engine)."""
    floor = Floor(cache=cache)
    began = timer()
    ok = 0
    for i in range(total):
        ok += floor.handle("GET", f"/pets/{i % distinct_ids}", float(i))["statusCode"] == 200
    elapsed = timer() - began
    assert ok == total, f"{total - ok} of {total} floor requests failed"
    return total / elapsed


if __name__ == "__main__":
    print(f"floor_cached_requests_per_s: {max(rate(cache=True) for _ in range(3)):.0f} req/s")
    print(f"floor_lambda_requests_per_s: {max(rate(cache=False) for _ in range(3)):.0f} req/s")
