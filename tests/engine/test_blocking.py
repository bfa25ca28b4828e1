"""``Pipeline.may_block``: whether a request's run can wait on anything but the CPU (issue 12).

The live gateway runs a request on its event loop only when this says False, so every "may wait"
case must say True: a function that spends time (§5.1's slow function, an introspection round trip),
code the lab does not know, an HTTP integration, a Store or lab services in Redis, and a canary's
deployment that is any of these.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from typing import Any

import pytest

from gateway_lab.engine.blocking import CPU_ONLY_MODULES
from gateway_lab.engine.clock import VirtualClock
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.engine.model_load import deploy
from gateway_lab.engine.pipeline import build_pipeline
from gateway_lab.engine.state import MemoryStore

from .builders import http_api, lambda_integration, make_pipeline, mock_integration, rest_api


def _rest(**methods: dict[str, Any]) -> dict[str, Any]:
    return rest_api({f"/{name}": {"GET": spec} for name, spec in methods.items()})


def _lambda(function: str) -> dict[str, Any]:
    return {"methodIntegration": lambda_integration(function)}


def test_cpu_only_functions_run_without_waiting_issue_12() -> None:
    """Issue 12: echo, hello and a mock only compute; slow spends its delay (§5.1) and may wait."""
    pipeline = make_pipeline(
        _rest(echo=_lambda("echo"), hello=_lambda("hello"), slow=_lambda("slow"), mock={})
    )
    assert not pipeline.may_block("GET", "/echo")
    assert not pipeline.may_block("GET", "/hello")
    assert not pipeline.may_block("GET", "/mock")
    assert pipeline.may_block("GET", "/slow")
    assert not pipeline.may_block("GET", "/nowhere")  # 403 Missing Authentication Token: nothing runs


def test_code_the_lab_does_not_know_may_wait_issue_12() -> None:
    """Issue 12: a handler from an allowed package of your own may sleep or open sockets."""
    api = _rest(
        mine={
            "methodIntegration": {
                **lambda_integration(),
                "handler": "tests.livegw.handlers.powertools_orders.handler",
            }
        }
    )
    clock = VirtualClock()
    runtime = IntegrationRuntime.default(
        clock=clock, function_packages=("gateway_lab.functions", "tests.livegw.handlers")
    )
    pipeline = build_pipeline(
        api=api, stage={"stageName": "prod"}, clock=clock, store=MemoryStore(clock), runtime=runtime
    )
    assert pipeline.may_block("GET", "/mine")


def test_a_refused_handler_runs_nothing_so_it_cannot_wait_5_3() -> None:
    """§5.3: a handler outside the allowed packages is a configuration error before anything runs."""
    api = _rest(refused={"methodIntegration": {**lambda_integration(), "handler": "os.system"}})
    assert not make_pipeline(api).may_block("GET", "/refused")


def test_http_integrations_may_wait_6() -> None:
    """§6: an HTTP or HTTP_PROXY integration calls a backend over the network."""
    http = {"type": "HTTP_PROXY", "httpMethod": "GET", "uri": "http://127.0.0.1:9/x"}
    assert make_pipeline(_rest(proxy={"methodIntegration": http})).may_block("GET", "/proxy")


def test_the_function_is_read_with_stage_variables_and_the_canarys_overrides_8() -> None:
    """§8: a canary serves its own deployment and stage-variable overrides; either may name a slow function."""
    api = _rest(fn=_lambda("${stageVariables.fn}"))
    assert not make_pipeline(api, {"stageName": "prod", "variables": {"fn": "echo"}}).may_block("GET", "/fn")
    assert make_pipeline(api, {"stageName": "prod", "variables": {"fn": "slow"}}).may_block("GET", "/fn")
    canary = {
        "stageName": "prod",
        "variables": {"fn": "echo"},
        "canarySettings": {"percentTraffic": 10, "stageVariableOverrides": {"fn": "slow"}},
    }
    assert make_pipeline(api, canary).may_block("GET", "/fn")


def test_a_canary_deployment_with_a_slow_function_may_wait_8() -> None:
    """§8: the canary's deployment is another snapshot of the API; its methods count too."""
    production = deploy(_rest(fn=_lambda("echo")), deployment_id="d1")
    canary = deploy(_rest(fn=_lambda("slow")), deployment_id="d2")
    stage = {
        "stageName": "prod",
        "deploymentId": "d1",
        "canarySettings": {"percentTraffic": 5, "deploymentId": "d2"},
    }
    clock = VirtualClock()
    pipeline = build_pipeline(
        api=production, stage=stage, clock=clock, store=MemoryStore(clock),
        runtime=IntegrationRuntime.default(clock=clock), deployments=[canary],
    )  # fmt: skip
    assert pipeline.may_block("GET", "/fn")


def test_lambda_authorizers_count_like_functions_7_2() -> None:
    """§7.2: a Lambda authorizer runs before the integration; the static-token one only computes,
    the OAuth introspection one spends a round trip."""

    def api(handler: str) -> dict[str, Any]:
        authorizer = {
            "id": "a1",
            "type": "TOKEN",
            "handler": handler,
            "identitySource": "method.request.header.Authorization",
        }
        method = {
            "authorizationType": "CUSTOM",
            "authorizerId": "a1",
            "methodIntegration": mock_integration(),
        }
        return rest_api({"/pets": {"GET": method}}, authorizers=[authorizer])

    static = api("gateway_lab.functions.authorizers.static_token.handler")
    introspection = api("gateway_lab.functions.authorizers.oauth_introspection.handler")
    assert not make_pipeline(static).may_block("GET", "/pets")
    assert make_pipeline(introspection).may_block("GET", "/pets")


def test_http_api_default_route_counts_for_any_path_10() -> None:
    """§10: an HTTP API's $default route catches what no route matches."""
    api = http_api({"GET /fast": {}})
    assert not make_pipeline(api).may_block("GET", "/anything")
    api["routes"].append(
        {"routeKey": "$default", "integration": lambda_integration("slow", payloadFormatVersion="2.0")}
    )
    assert make_pipeline(api).may_block("GET", "/anything")


class _RemoteStore(MemoryStore):
    """A Store that says it is not in this process (as the live gateway's Redis store does)."""

    __slots__ = ()
    in_process = False


def test_a_store_outside_the_process_may_wait_3_2() -> None:
    """§3.2: with the buckets in Redis every request waits on a round trip, whatever it calls."""
    clock = VirtualClock()
    pipeline = build_pipeline(
        api=_rest(mock={}), stage={"stageName": "prod"}, clock=clock, store=_RemoteStore(clock),
        runtime=IntegrationRuntime.default(clock=clock),
    )  # fmt: skip
    assert pipeline.may_block("GET", "/mock")


def _calls(module_name: str) -> set[str]:
    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


WAITS = {"spend", "sleep", "urlopen", "socket", "create_connection", "request", "wait"}


@pytest.mark.parametrize("module_name", sorted(CPU_ONLY_MODULES))
def test_cpu_only_modules_never_call_anything_that_waits_issue_12(module_name: str) -> None:
    """Issue 12: the list the event loop trusts is checked against the functions' source."""
    assert not _calls(module_name) & WAITS


@pytest.mark.parametrize(
    "module_name", ["gateway_lab.functions.slow", "gateway_lab.functions.authorizers.oauth_introspection"]
)
def test_the_source_check_sees_functions_that_wait_5_1(module_name: str) -> None:
    """§5.1: the same check finds the spends in the functions left off the list."""
    assert _calls(module_name) & WAITS


def test_a_long_path_is_not_routed_or_kept_issue_12() -> None:
    """Issue 12 (cost bound): a path longer than CACHED_PATH_CHARS is sent to the pool unrouted, so what a
    client sends never grows the answers kept; short ones are kept up to CACHE_SIZE."""
    from gateway_lab.engine.blocking import CACHE_SIZE, CACHED_PATH_CHARS

    pipeline = make_pipeline(rest_api({"/{proxy+}": {"GET": _lambda("echo")}}))
    assert pipeline.may_block("GET", "/" + "a" * CACHED_PATH_CHARS)
    assert not pipeline.may_block("GET", "/short")
    for n in range(CACHE_SIZE + 10):
        pipeline.may_block("GET", f"/p{n}")
    assert pipeline._blocking is not None and len(pipeline._blocking._answers) <= CACHE_SIZE
