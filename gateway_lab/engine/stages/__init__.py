"""Pipeline stages, one small module each, composed from one ordered registry.

How to add a stage (e.g. the access-control stages ``resource_policy``, ``auth``, ``api_key``):

1. Create ``gateway_lab/engine/stages/<module>.py`` with a class that has ``name: StageName`` and
   ``evaluate(self, ctx: Context) -> Step`` (see ``base.Stage``). Build the step with
   ``base.record(ctx, ...)`` so ``t_ms``/``duration_ms`` stay on the engine clock.
2. Add the class to ``STAGES`` below, in pipeline order. The chain is data: a tuple of classes,
   imported at the top of this module, so a missing stage fails at import time and never silently
   drops out of the pipeline. The constructor takes no arguments; read everything from the ``Context``.
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

from collections.abc import Sequence

from ..access.stages.api_key import ApiKeyStage
from ..access.stages.auth import AuthStage
from ..access.stages.resource_policy import ResourcePolicyStage
from ..trace import StageName
from .base import Stage
from .cache import CacheStage
from .endpoint import EndpointStage
from .integration import IntegrationStage
from .response import ResponseStage
from .routing import RoutingStage
from .throttle import ThrottleStage
from .validation import ValidationStage

STAGES: tuple[type[Stage], ...] = (
    EndpointStage,
    RoutingStage,
    ResourcePolicyStage,
    AuthStage,
    ApiKeyStage,
    ThrottleStage,
    ValidationStage,
    CacheStage,
    IntegrationStage,
    ResponseStage,
)
"""Every stage class, in pipeline order (§11). The response stage always runs last."""

DEFAULT_STAGE_ORDER: tuple[StageName, ...] = tuple(StageName(cls.name) for cls in STAGES)

_BY_NAME: dict[StageName, type[Stage]] = {StageName(cls.name): cls for cls in STAGES}


def stages_for(order: Sequence[StageName] = DEFAULT_STAGE_ORDER) -> list[Stage]:
    """Return a new instance of each stage in ``order``; an unknown name raises ``KeyError``."""
    return [_BY_NAME[StageName(name)]() for name in order]


__all__ = ["DEFAULT_STAGE_ORDER", "STAGES", "Stage", "stages_for"]
