"""Engine benchmarks: the full REST pipeline, a 10,000-request burst, and the cost of authorization.

Run: ``.venv/bin/python bench/engine.py``. Every request is built, run through every stage and
turned into a complete Trace, as a front end would; nothing is shared between requests except what
the gateway itself keeps (buckets, cache entries, authorizer cache).

Each figure is the best of three runs (noise only ever slows a run down), timed in CPU time of
this process (``TIMER``): the engine runs on one thread here, so the time the neighbours hold the
CPU of a shared 2-core machine is left out (wall time moved these figures by 2x with their load).
Prints its figures last, one per line, ``name: value unit``:

- ``engine_requests_per_s`` (target ≥ 20,000): REST, edge, stage cache on (100 keys), Lambda proxy echo.
- ``burst_10000_ms`` (target < 1,000): ``simulate`` of 10,000 simultaneous requests, 200 admitted.
- ``engine_open_requests_per_s``: an open REST method with a MOCK integration, the baseline for
- ``engine_sigv4_requests_per_s``: the same method with ``AWS_IAM``, every signature really verified, and
- ``engine_cached_authorizer_requests_per_s``: the same with a TOKEN Lambda authorizer (TTL 3600, cache hits).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from gateway_lab.engine.access import sigv4
from gateway_lab.engine.clock import VirtualClock
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.engine.messages import Request
from gateway_lab.engine.pipeline import Pipeline, build_pipeline
from gateway_lab.engine.simulate import simulate
from gateway_lab.engine.simulation import RequestSpec
from gateway_lab.engine.state import MemoryStore

TIMER = time.process_time  # CPU time of this process (see the module docstring)
ECHO_URI = (
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:us-east-1:123456789012:function:echo/invocations"
)
API = {
    "id": "bench",
    "protocolType": "REST",
    "resources": [
        {
            "path": "/pets/{id}",
            "resourceMethods": {
                "GET": {
                    "requestParameters": {"method.request.path.id": True},
                    "methodIntegration": {
                        "type": "AWS_PROXY",
                        "httpMethod": "POST",
                        "uri": ECHO_URI,
                        "cacheKeyParameters": ["method.request.path.id"],
                    },
                }
            },
        }
    ],
}
CACHED_STAGE = {
    "stageName": "prod",
    "cacheClusterEnabled": True,
    "methodSettings": {"*/*": {"cacheTtlInSeconds": 300}},
}
THROTTLED_STAGE = {
    "stageName": "prod",
    "methodSettings": {"*/*": {"throttlingRateLimit": 100, "throttlingBurstLimit": 200}},
}

# Authorization benches (the access-control helper's scenarios): one MOCK method, three ways in.
MOCK = {
    "type": "MOCK",
    "requestTemplates": {"application/json": '{"statusCode": 200}'},
    "integrationResponses": {
        "200": {"statusCode": "200", "responseTemplates": {"application/json": '{"ok": true}'}}
    },
}
KEY = {"accessKeyId": "AKIABENCHMARK0000001", "secretAccessKey": "bench/secret/key/000000000000000000000001"}
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
}


def _auth_api(api_id: str, method: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": api_id,
        "protocolType": "REST",
        "region": "us-east-1",
        "endpointConfiguration": {"types": ["REGIONAL"]},
        "resources": [{"path": "/pets", "resourceMethods": {"GET": {**method, "methodIntegration": MOCK}}}],
        **extra,
    }


OPEN_API = _auth_api("bench-open", {})
SIGV4_API = _auth_api(
    "bench-iam",
    {"authorizationType": "AWS_IAM"},
    labAccess={"iamUsers": [{"userName": "bench", "accessKeys": [KEY], "policy": ALLOW_ALL}]},
)
CACHED_AUTHORIZER_API = _auth_api(
    "bench-authz",
    {"authorizationType": "CUSTOM", "authorizerId": "static"},
    authorizers=[
        {
            "id": "static",
            "type": "TOKEN",
            "identitySource": "method.request.header.Authorization",
            "handler": "gateway_lab.functions.authorizers.static_token.handler",
            "authorizerResultTtlInSeconds": 3600,
        }
    ],
)


def _pipeline(api: Mapping[str, Any], stage: Mapping[str, Any]) -> tuple[Pipeline, VirtualClock]:
    clock = VirtualClock()
    runtime = IntegrationRuntime.default(clock=clock)
    return build_pipeline(api=api, stage=stage, clock=clock, store=MemoryStore(clock), runtime=runtime), clock


def _rate(
    pipeline: Pipeline,
    clock: VirtualClock,
    make: Callable[[int], Request],
    total: int,
    timer: Callable[[], float] | None = None,
) -> float:
    """Build and run ``total`` requests, 1 ms apart; check every one got 200; return requests/s."""
    start_ms, ok = clock.now_ms(), 0
    timer = timer or TIMER
    began = timer()
    for i in range(total):
        trace = pipeline.run(make(i).at(start_ms + i))
        ok += trace.response.status == 200
    elapsed = timer() - began
    assert ok == total, f"{total - ok} of {total} requests failed"
    return total / elapsed


def requests_per_second(total: int = 20_000, distinct_ids: int = 100) -> float:
    """Full REST pipeline with the stage cache on (``distinct_ids`` keys): requests/s."""
    pipeline, clock = _pipeline(API, CACHED_STAGE)
    return _rate(pipeline, clock, lambda i: Request.build("GET", f"/pets/{i % distinct_ids}"), total)


def burst_ms(count: int = 10_000) -> float:
    """Simulate ``count`` simultaneous requests through a 100 req/s, burst-200 stage; return wall ms."""
    spec = RequestSpec(request=Request.build("GET", "/pets/1"), count=count, over_ms=0.0)
    began = TIMER()
    result = simulate(api=API, stage=THROTTLED_STAGE, requests=[spec])
    elapsed = (TIMER() - began) * 1000.0
    assert result.summary["kinds"].get("throttled") == count - 200, result.summary
    return elapsed


def open_rate(total: int = 5_000) -> float:
    """The open MOCK method the two authorization benches add to: requests/s."""
    pipeline, clock = _pipeline(OPEN_API, {"stageName": "prod"})
    return _rate(pipeline, clock, lambda i: Request.build("GET", "/pets"), total)


def sigv4_rate(total: int = 5_000) -> float:
    """IAM-authorized requests, each signed at its own arrival time and verified in full."""
    pipeline, clock = _pipeline(SIGV4_API, {"stageName": "prod"})
    credential = sigv4.LabCredential(
        access_key_id=KEY["accessKeyId"], secret_access_key=KEY["secretAccessKey"], user_arn="bench"
    )
    host = "bench-iam.execute-api.us-east-1.amazonaws.com"
    start_ms = clock.now_ms()
    # Signed up front: signing is the client's work, verifying the gateway's.
    signed = [
        sigv4.sign(
            Request.build("GET", "/pets", query={"n": str(i)}, headers={"Host": host}),
            credential=credential,
            region="us-east-1",
            time_ms=start_ms + i,
            raw_path="/prod/pets",
        )
        for i in range(total)
    ]
    return _rate(pipeline, clock, signed.__getitem__, total)


def cached_authorizer_rate(total: int = 5_000) -> float:
    """A TOKEN Lambda authorizer with a 3,600 s TTL: after the first call, every request is a cache hit."""
    pipeline, clock = _pipeline(CACHED_AUTHORIZER_API, {"stageName": "prod"})
    return _rate(
        pipeline, clock, lambda i: Request.build("GET", "/pets", headers={"Authorization": "allow"}), total
    )


def main() -> None:
    requests_per_second(total=2_000)  # warm up imports and caches
    figures = [
        ("engine_requests_per_s", max(requests_per_second() for _ in range(3)), "req/s"),
        ("burst_10000_ms", min(burst_ms() for _ in range(3)), "ms"),
        ("engine_open_requests_per_s", max(open_rate() for _ in range(3)), "req/s"),
        ("engine_sigv4_requests_per_s", max(sigv4_rate() for _ in range(3)), "req/s"),
        ("engine_cached_authorizer_requests_per_s", max(cached_authorizer_rate() for _ in range(3)), "req/s"),
    ]
    for name, value, unit in figures:
        print(f"{name}: {value:.0f} {unit}")


if __name__ == "__main__":
    main()
