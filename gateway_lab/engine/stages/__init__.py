"""Pipeline stages, one small module each, composed from one ordered registry.

How to add a stage (e.g. the access-control stages ``resource_policy``, ``auth``, ``api_key``):

1. Create ``gateway_lab/engine/stages/<module>.py`` with a class that has ``name: StageName`` and
   ``evaluate(self, ctx: Context) -> Step`` (see ``base.Stage``). Build the step with
   ``base.record(ctx, ...)`` so ``t_ms``/``duration_ms`` stay on the engine clock.
2. Its entry already sits in ``STAGE_FACTORIES`` below (``"<module>:<Class>"``); the pipeline
   imports it when the module exists and silently leaves the stage out while it does not (no
   fake steps). The constructor takes no arguments; read everything from the ``Context``.
3. To refuse, set ``ctx.error = GatewayError(response_type="ACCESS_DENIED", message=..., body=...)``
   and return a ``reject`` step; the pipeline jumps to the response stage, which renders the
   gateway response (§5.2, customisable on REST). To pass data on, fill ``ctx.principal``,
   ``ctx.authorizer``, ``ctx.identity`` (merged into the event's ``identity``), ``ctx.api_key``,
   ``ctx.api_key_id``, ``ctx.usage_plan`` and ``ctx.authorized_for_cache_invalidation`` (§4).
4. A stage that does not apply (an HTTP API has no resource policy) returns a ``skip`` step saying why.

Order (DESIGN.md; GATEWAY_FACTS.md §11): endpoint → routing → resource_policy → auth → api_key →
throttle → validation → cache → integration → response. The response stage always runs last.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from ..trace import StageName
from .base import Stage

DEFAULT_STAGE_ORDER: tuple[StageName, ...] = (
    StageName.ENDPOINT,
    StageName.ROUTING,
    StageName.RESOURCE_POLICY,
    StageName.AUTH,
    StageName.API_KEY,
    StageName.THROTTLE,
    StageName.VALIDATION,
    StageName.CACHE,
    StageName.INTEGRATION,
    StageName.RESPONSE,
)

STAGE_FACTORIES: dict[StageName, str] = {
    StageName.ENDPOINT: "endpoint:EndpointStage",
    StageName.ROUTING: "routing:RoutingStage",
    StageName.RESOURCE_POLICY: "resource_policy:ResourcePolicyStage",
    StageName.AUTH: "auth:AuthStage",
    StageName.API_KEY: "api_key:ApiKeyStage",
    StageName.THROTTLE: "throttle:ThrottleStage",
    StageName.VALIDATION: "validation:ValidationStage",
    StageName.CACHE: "cache:CacheStage",
    StageName.INTEGRATION: "integration:IntegrationStage",
    StageName.RESPONSE: "response:ResponseStage",
}


def load_stage(name: StageName) -> Stage | None:
    """Instantiate the stage registered for ``name``, or None while its module does not exist yet."""
    module_name, _, class_name = STAGE_FACTORIES[name].partition(":")
    qualified = f"{__name__}.{module_name}"
    try:
        module = importlib.import_module(qualified)
    except ModuleNotFoundError as exc:
        if exc.name != qualified:  # a real import error inside an existing stage must surface
            raise
        return None
    factory = getattr(module, class_name)
    return factory()  # type: ignore[no-any-return]


def load_stages(order: Sequence[StageName] = DEFAULT_STAGE_ORDER) -> list[Stage]:
    """Return the implemented stages in ``order``."""
    return [stage for stage in (load_stage(name) for name in order) if stage is not None]


__all__ = ["DEFAULT_STAGE_ORDER", "STAGE_FACTORIES", "Stage", "load_stage", "load_stages"]
