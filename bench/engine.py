"""Engine benchmark: full REST pipeline (cache on, Lambda proxy echo) and a 10,000-request burst.

Run: ``.venv/bin/python bench/engine.py``. Prints its figures last, one per line:
``engine_requests_per_s: N req/s`` (target ≥ 20,000) and ``burst_10000_ms: N ms`` (target < 1,000).
"""

from __future__ import annotations

import time

from gateway_lab.engine.clock import VirtualClock
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.engine.messages import Request
from gateway_lab.engine.pipeline import build_pipeline
from gateway_lab.engine.simulate import RequestSpec, simulate
from gateway_lab.engine.state import MemoryStore

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


def requests_per_second(total: int = 20_000, distinct_ids: int = 100) -> float:
    """Run ``total`` GETs (1 ms apart, ``distinct_ids`` cache keys) through one pipeline; return req/s."""
    clock = VirtualClock()
    runtime = IntegrationRuntime.default(clock=clock)
    pipeline = build_pipeline(
        api=API, stage=CACHED_STAGE, clock=clock, store=MemoryStore(clock), runtime=runtime
    )
    requests = [Request.build("GET", f"/pets/{i % distinct_ids}") for i in range(total)]
    start_ms = clock.now_ms()
    began = time.perf_counter()
    for i, request in enumerate(requests):
        pipeline.run(request.at(start_ms + i))
    return total / (time.perf_counter() - began)


def burst_ms(count: int = 10_000) -> float:
    """Simulate ``count`` simultaneous requests through a 100 req/s, burst-200 stage; return wall ms."""
    spec = RequestSpec(request=Request.build("GET", "/pets/1"), count=count, over_ms=0.0)
    began = time.perf_counter()
    result = simulate(api=API, stage=THROTTLED_STAGE, requests=[spec])
    elapsed = (time.perf_counter() - began) * 1000.0
    assert result.summary["kinds"].get("throttled") == count - 200, result.summary
    return elapsed


def main() -> None:
    requests_per_second(total=2_000)  # warm up imports and caches
    rps = max(requests_per_second() for _ in range(3))
    burst = min(burst_ms() for _ in range(3))
    print(f"engine_requests_per_s: {rps:.0f} req/s")
    print(f"burst_10000_ms: {burst:.0f} ms")


if __name__ == "__main__":
    main()
