"""The Lambda authorizer's result cache (GATEWAY_FACTS.md §7.2): what a hit reuses, and what it must not.

A hit skips the invocation, and the engine also reuses its verdict on the cached output for the
same method ARN (kept on the deployment). These tests pin that the reuse never changes a trace and
follows the cache: a different cached output, another ARN or another request's step.
"""

from __future__ import annotations

import json

from gateway_lab.engine.access.directory import deployment_access
from gateway_lab.engine.messages import Request
from gateway_lab.engine.trace import trace_to_dict

from .pipelines import pipeline, rest_api

TOKEN_KEY = "method.request.header.Authorization"


def _lambda_api(ttl: int = 300) -> dict:
    authorizer = {
        "id": "auth1",
        "type": "TOKEN",
        "handler": "gateway_lab.functions.authorizers.static_token.handler",
        "identitySource": TOKEN_KEY,
        "authorizerResultTtlInSeconds": ttl,
    }
    return rest_api(
        {"authorizationType": "CUSTOM", "authorizerId": "auth1"},
        path="/{proxy+}",
        extra={"authorizers": [authorizer]},
    )


def _requests() -> list[Request]:
    paths = ["/pets", "/pets", "/orders", "/pets", "/orders", "/pets"]
    tokens = ["allow", "allow", "allow", "allow-all", "allow-all", "deny"]
    return [
        Request.build("GET", path, headers={"Authorization": token})
        for path, token in zip(paths, tokens, strict=True)
    ]


def test_reused_verdicts_give_the_traces_of_verdicts_worked_out_afresh() -> None:
    """§7.2: allow, the cache trap and deny read the same, byte for byte, with or without the kept verdicts."""
    kept, _ = pipeline(_lambda_api())
    fresh, _ = pipeline(_lambda_api())
    for request in _requests() * 2:
        deployment_access(fresh.deployment).verdicts.clear()
        assert json.dumps(trace_to_dict(kept.run(request))) == json.dumps(trace_to_dict(fresh.run(request)))
    assert deployment_access(kept.deployment).verdicts  # the kept pipeline did reuse verdicts


def test_a_different_cached_output_is_judged_again() -> None:
    """§7.2: the verdict follows the cached output; a Deny now in the cache denies, although Allow was judged before."""
    p, _ = pipeline(_lambda_api())
    assert p.run(Request.build("GET", "/pets", headers={"Authorization": "allow"})).response.status == 200
    [key] = p.store.keys("authz:")
    denied = dict(p.store.get(key))
    denied["policyDocument"] = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": "*"}],
    }
    p.store.put(key, denied, ttl_ms=60_000)
    trace = p.run(Request.build("GET", "/pets", headers={"Authorization": "allow"}))
    assert (trace.step("auth").detail["cache"], trace.response.status) == ("hit", 403)


def test_a_step_changed_afterwards_does_not_change_the_next_one() -> None:
    """Issue 11: the kept verdict is shared, each step's detail and authorizer context are its own."""
    p, _ = pipeline(_lambda_api())
    p.run(Request.build("GET", "/pets", headers={"Authorization": "allow"}))
    first = p.run(Request.build("GET", "/pets", headers={"Authorization": "allow"}))
    first.step("auth").detail["policy"]["statements"][0]["why"] = "changed"
    first.step("auth").detail["policy"]["effect"] = "Deny"
    second = p.run(Request.build("GET", "/pets", headers={"Authorization": "allow"}))
    policy = second.step("auth").detail["policy"]
    assert policy["effect"] == "Allow" and policy["statements"][0]["why"] != "changed"


def test_without_a_ttl_nothing_is_kept() -> None:
    """§7.2: TTL 0 turns the result cache off, so every request invokes and no verdict is kept."""
    p, _ = pipeline(_lambda_api(ttl=0))
    for request in _requests():
        p.run(request)
    assert deployment_access(p.deployment).verdicts == {}
