"""The composition root: ``build_pipeline(...)`` wires a deployment, a stage and the ports together.

``Pipeline.iter_steps(request)`` is a generator of steps (front ends that animate a request use it);
``Pipeline.run(request)`` returns the whole ``Trace``. Both run the same code, and both take
``facts`` to seed the request's ``ctx.facts`` (the WebSocket gateway passes the connection there).
A front end that must read what the stages decided (the WebSocket gateway keeps the authorizer's
result with the connection) uses ``start(request)`` and ``steps(ctx)``, the two halves of
``iter_steps``. Canary routing and request ids come from a seeded random generator, so the same
inputs replay the same traces.
"""

from __future__ import annotations

import binascii
import copy
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from .access.directory import AccessDirectory
from .blocking import BlockingCheck
from .clock import Clock
from .context import AccountSettings, Context, start_context
from .integrations.types import Runtime
from .messages import Request
from .model import Api, ApiType, ConfigError, Deployment, FrozenDict, Stage
from .model_load import deploy, load_stage
from .speedups import fast_constructor, uuid4_from_bits
from .stages import DEFAULT_STAGE_ORDER, stages_for
from .stages.base import Stage as PipelineStage
from .state import Store
from .trace import Outcome, StageName, Step, Trace

_FINAL = frozenset({Outcome.REJECT, Outcome.ERROR})  # Step.is_final, inlined in run()
_make_trace = fast_constructor(Trace)  # Trace(...) on the hot path (see speedups)


class Pipeline:
    """One API stage, ready to take requests."""

    def __init__(
        self,
        *,
        deployment: Deployment,
        stage: Stage,
        deployments: Mapping[str, Deployment],
        clock: Clock,
        store: Store,
        runtime: Runtime,
        account: AccountSettings,
        seed: int,
        origin_ms: float,
        stages: Sequence[PipelineStage],
        access: AccessDirectory | None = None,
    ) -> None:
        self.deployment, self.stage, self.deployments = deployment, stage, deployments
        self.clock, self.store, self.runtime, self.account = clock, store, runtime, account
        self.origin_ms = origin_ms
        self.access = access
        self._rng = random.Random(seed)
        self._stages = [s for s in stages if s.name != StageName.RESPONSE]
        self._evaluators = [s.evaluate for s in self._stages]
        self._response = next(s for s in stages if s.name == StageName.RESPONSE)
        self._blocking: BlockingCheck | None = None
        # HTTP and WebSocket APIs have one 16-character request id (§6.2, §9): decided once.
        self._short_ids = deployment.api.api_type in _SHORT_ID_TYPES

    @property
    def api(self) -> Api:
        return self.deployment.api

    def iter_steps(self, request: Request, *, facts: Mapping[str, Any] | None = None) -> Iterator[Step]:
        """Yield each stage's step in order; stops after the response step."""
        yield from self.steps(self.start(request, facts=facts))

    def run(self, request: Request, *, facts: Mapping[str, Any] | None = None) -> Trace:
        """Run ``request`` (with ``facts`` seeded into ``ctx.facts``) through every stage; return its trace."""
        ctx = self.start(request, facts=facts)
        steps = []
        for evaluate in self._evaluators:  # the loop of steps() without a generator: run() is the hot path
            step = evaluate(ctx)
            steps.append(step)
            if step.outcome in _FINAL or ctx.error is not None or ctx.response is not None:
                break
        steps.append(self._response.evaluate(ctx))
        assert ctx.response is not None
        meta = {
            "api_id": self.deployment.api.id,
            "stage": self.stage.name,
            "deployment_id": ctx.deployment.id,
            "is_canary": ctx.is_canary,
            "t_ms": round(ctx.arrival_ms - self.origin_ms, 3),
        }
        return _make_trace(tuple(steps), ctx.response, ctx.request_id, meta)

    def may_block(self, method: str, path: str) -> bool:
        """Whether running ``method path`` may wait on anything but the CPU (a sleep, a socket, Redis).

        False only when the configuration shows it cannot (``engine.blocking``): a live front end may
        then run the request on its event loop instead of a worker thread.
        """
        check = self._blocking
        if check is None:
            check = self._blocking = BlockingCheck(self)
        return check.may_block(method, path)

    def with_stages(self, order: Sequence[StageName]) -> Pipeline:
        """Return a pipeline over the same API stage, ports and id generator that runs only ``order``.

        The WebSocket gateway runs different stages for $connect, messages and $disconnect; sharing
        the generator keeps request ids unique across the three.
        """
        sibling = copy.copy(self)
        stages = stages_for(order)
        sibling._stages = [s for s in stages if s.name != StageName.RESPONSE]
        sibling._evaluators = [s.evaluate for s in sibling._stages]
        sibling._response = next(s for s in stages if s.name == StageName.RESPONSE)
        return sibling

    def steps(self, ctx: Context) -> Iterator[Step]:
        """Yield each stage's step for a started request; stops after the response step."""
        for stage in self._stages:
            step = stage.evaluate(ctx)
            yield step
            if step.is_final or ctx.error is not None or ctx.response is not None:
                break
        yield self._response.evaluate(ctx)

    def start(self, request: Request, *, facts: Mapping[str, Any] | None = None) -> Context:
        """Return a new request's context: arrival time, ids, canary pick, and ``facts`` seeded."""
        arrival = request.time_ms if request.time_ms is not None else self.clock.now_ms()
        if self.stage.canary is None:  # _pick_deployment() without a canary, inlined
            deployment, variables, is_canary = self.deployment, self.stage.variables, False
        else:
            deployment, variables, is_canary = self._pick_deployment()
        bits = self._rng.getrandbits
        request_id = uuid4_from_bits(bits(128))
        # base64.b64encode without its Python wrapper: 11 random bytes → 16 characters.
        extended = binascii.b2a_base64(bits(88).to_bytes(11, "big"), newline=False).decode()
        if self._short_ids:
            request_id = extended  # HTTP and WebSocket APIs have one 16-character id (§6.2, §9)
        ctx = start_context(
            request,
            deployment,
            self.stage,
            variables,
            is_canary,
            self.account,
            self.clock,
            self.store,
            self.runtime,
            request_id,
            extended,
            arrival,
            self.origin_ms,
            self.access,
        )
        if facts:
            ctx.facts.update(facts)
        return ctx

    def _pick_deployment(self) -> tuple[Deployment, Mapping[str, str], bool]:
        """Route a request to the canary with probability percentTraffic/100 (§8), else production."""
        canary = self.stage.canary
        if canary is None or self._rng.random() * 100.0 >= canary.percent_traffic:
            return self.deployment, self.stage.variables, False
        deployment = self.deployments.get(canary.deployment_id, self.deployment)
        return deployment, FrozenDict({**self.stage.variables, **canary.stage_variable_overrides}), True


# REST APIs: requestId is a UUID, extendedRequestId the short id. HTTP APIs report the short id as
# requestContext.requestId and the apigw-requestid header; WebSocket events have requestId == extendedRequestId.
_SHORT_ID_TYPES = frozenset({ApiType.HTTP, ApiType.WEBSOCKET})


def build_pipeline(
    *,
    api: Deployment | Mapping[str, Any],
    stage: Stage | Mapping[str, Any],
    clock: Clock,
    store: Store,
    runtime: Runtime,
    account: AccountSettings | None = None,
    seed: int = 0,
    deployments: Sequence[Deployment] = (),
    origin_ms: float | None = None,
    stage_order: Sequence[StageName] = DEFAULT_STAGE_ORDER,
    access: AccessDirectory | None = None,
) -> Pipeline:
    """Return a pipeline for ``api`` (a Deployment, or API JSON to deploy) at ``stage`` (Stage or JSON).

    ``deployments`` are further snapshots the stage or its canary may point at by id. ``access`` is
    the account's access-control directory (IAM users, API keys, usage plans, user pools); without
    it the stages read the API JSON's ``labAccess`` block. Raises ``ConfigError`` when the stage
    names a deployment that does not exist.
    """
    deployment = api if isinstance(api, Deployment) else deploy(api)
    known = {d.id: d for d in (deployment, *deployments)}
    stage_obj = stage if isinstance(stage, Stage) else load_stage(stage, deployment.api)
    if stage_obj.deployment_id:
        if stage_obj.deployment_id not in known:
            raise ConfigError([("stage.deploymentId", f"no deployment with id {stage_obj.deployment_id!r}")])
        deployment = known[stage_obj.deployment_id]
    else:
        stage_obj = replace(stage_obj, deployment_id=deployment.id)
    if stage_obj.canary and stage_obj.canary.deployment_id and stage_obj.canary.deployment_id not in known:
        raise ConfigError(
            [
                (
                    "stage.canarySettings.deploymentId",
                    f"no deployment with id {stage_obj.canary.deployment_id!r}",
                )
            ]
        )
    return Pipeline(
        deployment=deployment,
        stage=stage_obj,
        deployments=known,
        clock=clock,
        store=store,
        runtime=runtime,
        account=account or AccountSettings(),
        seed=seed,
        origin_ms=clock.now_ms() if origin_ms is None else origin_ms,
        stages=stages_for(stage_order),
        access=access,
    )
