"""Whether running a request may wait on anything but the CPU (``Pipeline.may_block``).

A live front end runs most requests on its event loop: a hop to a worker thread and back costs
more than the whole pipeline, and CPython's GIL makes a pool of busy threads fight the loop for
every socket write. It may only do so when nothing in the request's path can wait: a sleep, a
socket, a lock held across I/O. This module answers that from the configuration alone, before the
request runs, and answers "may block" whenever it is not sure:

- the Store and the lab services must live in this process (``in_process = True``; Redis is I/O);
- every method the path could match (each candidate resource, the HTTP ``$default`` route, on the
  stage's deployment and its canary's) must have an integration that does not wait: ``MOCK``, an
  AWS service integration to the in-process lab stores, or a Lambda function from ``CPU_ONLY_MODULES``
  (the lab's functions that never call ``lab.spend``); ``HTTP``/``HTTP_PROXY`` and anyone else's
  function may block;
- a Lambda authorizer on such a method must be one of ``CPU_ONLY_MODULES`` too; IAM, Cognito and JWT
  checks are CPU only (keys and users come from the lab's directory, never the network).

A reference the function registry refuses cannot run at all (the request ends in a configuration
error), so it does not block.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .access.authorizers import authorizer_of
from .integrations.functions import FunctionRegistry
from .integrations.lambda_invoke import function_reference
from .integrations.types import IntegrationConfigError
from .model import Api, ApiType, Deployment, Method
from .router import Router

if TYPE_CHECKING:
    from .pipeline import Pipeline

# The lab's own functions that take nothing but CPU time: no lab.spend, no sockets, no sleeps (the lab
# services they write to are checked apart). slow spends its delay; oauth_introspection spends a round trip.
CPU_ONLY_MODULES = frozenset(
    f"gateway_lab.functions.{module}"
    for module in ("echo", "mirror", "hello", "flaky", "broken_response", "orders_to_queue",
                   "authorizers.static_token", "authorizers.allow_list")
)  # fmt: skip
CACHE_SIZE = 1024  # answers kept per pipeline, by (method, path)
# A longer path (the client's choice) is answered "may block" without routing it: nothing a client
# sends grows the answers or the router's path cache beyond CACHE_SIZE short entries.
CACHED_PATH_CHARS = 256


class BlockingCheck:
    """``may_block`` for one pipeline, with its answers kept by (method, path)."""

    __slots__ = ("_answers", "_deployments", "_functions", "_in_process", "_routers")

    def __init__(self, pipeline: Pipeline) -> None:
        runtime = pipeline.runtime
        self._in_process = bool(
            getattr(pipeline.store, "in_process", False) and getattr(runtime.services, "in_process", False)
        )
        self._functions: FunctionRegistry = runtime.functions
        self._deployments = _served(pipeline)
        self._routers: dict[int, Router] = {}
        self._answers: dict[tuple[str, str], bool] = {}

    def may_block(self, method: str, path: str) -> bool:
        if len(path) > CACHED_PATH_CHARS:
            return True
        key = (method, path)
        answer = self._answers.get(key)
        if answer is None:
            answer = not self._in_process or any(
                _method_may_block(api, m, variables, self._functions)
                for api, variables in self._deployments
                for m in self._methods(api, path)
            )
            if len(self._answers) >= CACHE_SIZE:
                self._answers.clear()
            self._answers[key] = answer
        return answer

    def _methods(self, api: Api, path: str) -> Iterator[Method]:
        """Every method ``path`` could reach on ``api``, whatever the HTTP method (a superset is safe)."""
        router = self._routers.get(id(api))
        if router is None:
            router = self._routers[id(api)] = Router(api.resources)
        for resource, _ in router.candidates(path):
            yield from resource.methods.values()
        if api.api_type == ApiType.HTTP and api.default_route is not None:
            yield api.default_route


def _served(pipeline: Pipeline) -> list[tuple[Api, Mapping[str, str]]]:
    """The (API, stage variables) pairs a request to this stage may run on: production and the canary."""
    stage = pipeline.stage
    served: list[tuple[Api, Mapping[str, str]]] = [(pipeline.deployment.api, stage.variables)]
    canary = stage.canary
    if canary is not None:
        deployment: Deployment = pipeline.deployments.get(canary.deployment_id, pipeline.deployment)
        served.append((deployment.api, {**stage.variables, **canary.stage_variable_overrides}))
    return served


def _method_may_block(
    api: Api, method: Method, variables: Mapping[str, str], functions: FunctionRegistry
) -> bool:
    integration = method.integration
    kind = str(integration.get("type", "")).upper()
    if kind in ("AWS_PROXY", "AWS") and (
        integration.get("handler") or ":lambda:path/" in str(integration.get("uri", ""))
    ):
        if _function_may_block(integration, variables, functions):
            return True
    elif kind not in ("MOCK", "AWS", ""):  # HTTP, HTTP_PROXY, VPC links, and what the lab does not know
        return True
    authorizer = authorizer_of(api, method.authorizer_id) if method.authorizer_id else None
    if authorizer is not None and (authorizer.get("handler") or authorizer.get("authorizerUri")):
        target = {"handler": authorizer.get("handler"), "uri": authorizer.get("authorizerUri", "")}
        return _function_may_block(target, variables, functions)
    return False


def _function_may_block(
    target: Mapping[str, Any], variables: Mapping[str, str], functions: FunctionRegistry
) -> bool:
    """Whether the Lambda function ``target`` names (lab ``handler`` key first, as invocations read it) may wait."""
    try:
        path = functions.dotted_path(function_reference(target, variables)[0])
    except IntegrationConfigError:
        return False  # refused before anything runs: the request ends in a configuration error
    return path.rpartition(".")[0] not in CPU_ONLY_MODULES
