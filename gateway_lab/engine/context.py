"""What one request carries through the pipeline: inputs, ports, and what earlier stages found."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .clock import Clock
from .messages import Request, Response
from .model import Api, Deployment, Method, Stage
from .state import Store

if TYPE_CHECKING:  # access imports the crypto stack; the hot path never needs the class itself
    from .access.directory import AccessDirectory
    from .integrations.types import Runtime

DEFAULT_ACCOUNT_ID = "123456789012"

# §3.1: Regions whose default account quota is 2,500 RPS / 1,250 burst instead of 10,000 / 5,000.
LOW_LIMIT_REGIONS = frozenset(
    {
        "af-south-1",  # Cape Town
        "eu-south-1",  # Milan
        "ap-southeast-3",  # Jakarta
        "me-central-1",  # UAE
        "ap-south-2",  # Hyderabad
        "ap-southeast-4",  # Melbourne
        "eu-south-2",  # Spain
        "eu-central-2",  # Zurich
        "il-central-1",  # Tel Aviv
        "ca-west-1",  # Calgary
        "ap-southeast-5",  # Malaysia
        "ap-southeast-7",  # Thailand
        "mx-central-1",  # Mexico (Central)
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountSettings:
    """Account-level settings per Region (§3.1); ``None`` limits mean the Region's default quota."""

    account_id: str = DEFAULT_ACCOUNT_ID
    throttle_rate: float | None = None
    throttle_burst: int | None = None

    def limits(self, region: str) -> tuple[float, int]:
        """Return (rate, burst) of the account bucket in ``region``."""
        default = (2_500.0, 1_250) if region in LOW_LIMIT_REGIONS else (10_000.0, 5_000)
        rate = default[0] if self.throttle_rate is None else self.throttle_rate
        burst = default[1] if self.throttle_burst is None else self.throttle_burst
        return rate, burst


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteMatch:
    """Which resource/method or route a request matched (§10)."""

    method: Method
    resource_id: str
    resource_path: str  # REST "/pets/{id}", HTTP route path, WebSocket ""
    route_key: str  # HTTP "GET /pets/{id}" / "$default", WebSocket "$connect"…, REST ""
    path_parameters: Mapping[str, str] = field(default_factory=dict)

    @property
    def settings_key(self) -> str:
        """The key of this method in ``methodSettings`` (REST) or ``routeSettings`` (HTTP/WS)."""
        return self.route_key or f"{self.resource_path}/{self.method.http_method}"


@dataclass(frozen=True, slots=True, kw_only=True)
class GatewayError:
    """A gateway response the response stage must render (§5.2), set by the stage that refused."""

    response_type: str  # "THROTTLED", "MISSING_AUTHENTICATION_TOKEN", ...
    message: str | None = None  # overrides the type's default client message
    status: int | None = None  # overrides the type's default status
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None  # exact bytes, for responses gateway-response templates cannot change
    log: str = ""


@dataclass(slots=True, kw_only=True)
class Context:
    """Mutable per-request state; stages read what they need and record what they decide.

    Access-control stages add ``principal``/``authorizer``/``identity``/``api_key``/``usage_plan``;
    the integration stage hands them to the integration as the AWS event fields.
    """

    request: Request
    deployment: Deployment
    stage: Stage
    stage_variables: Mapping[str, str]
    is_canary: bool
    account: AccountSettings
    clock: Clock
    store: Store
    runtime: Runtime  # the integrations' ports (integrations.IntegrationRuntime in the lab)
    request_id: str
    extended_request_id: str
    arrival_ms: float  # engine-clock epoch ms when the request arrived
    origin_ms: float  # t_ms in steps is measured from here (simulation start / gateway start)
    elapsed_ms: float = 0.0  # simulated time spent so far
    match: RouteMatch | None = None
    principal: str | None = None
    authorizer: Mapping[str, Any] | None = None
    identity: dict[str, Any] = field(default_factory=dict)
    api_key: str | None = None
    api_key_id: str | None = None
    usage_plan: Mapping[str, Any] | None = None
    authorized_for_cache_invalidation: bool | None = None  # set by auth when IAM decided it
    cache_pending: tuple[str, float] | None = None  # (key, ttl_ms) to store after the integration
    edge: bool = False
    error: GatewayError | None = None
    response: Response | None = None
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # stage-to-stage notes (JSON-safe)
    access: AccessDirectory | None = None  # the account's keys, users, plans; None: the API's labAccess

    # deployment.api, resolved once: stages read it a dozen times per request. Context is built
    # once per request and its deployment never reassigned (dataclasses.replace re-runs this).
    api: Api = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.api = self.deployment.api

    @property
    def t_ms(self) -> float:
        """Where the request is on the trace timeline (ms since ``origin_ms``)."""
        return self.arrival_ms - self.origin_ms + self.elapsed_ms

    @property
    def now_ms(self) -> float:
        """Engine-clock epoch ms at this point of the request."""
        return self.arrival_ms + self.elapsed_ms


_new_object = object.__new__


def start_context(
    request: Request,
    deployment: Deployment,
    stage: Stage,
    stage_variables: Mapping[str, str],
    is_canary: bool,
    account: AccountSettings,
    clock: Clock,
    store: Store,
    runtime: Runtime,
    request_id: str,
    extended_request_id: str,
    arrival_ms: float,
    origin_ms: float,
    access: AccessDirectory | None,
) -> Context:
    """``Context(...)`` of a request that no stage has seen yet, positional (the pipeline starts one per
    request; the dataclass's keyword ``__init__`` costs more). tests/engine/test_context.py holds it
    equal to ``Context(...)``, field for field."""
    ctx = _new_object(Context)
    ctx.request, ctx.deployment, ctx.stage, ctx.stage_variables = request, deployment, stage, stage_variables
    ctx.is_canary, ctx.account, ctx.clock, ctx.store, ctx.runtime = is_canary, account, clock, store, runtime
    ctx.request_id, ctx.extended_request_id = request_id, extended_request_id
    ctx.arrival_ms, ctx.origin_ms, ctx.elapsed_ms = arrival_ms, origin_ms, 0.0
    ctx.match = ctx.principal = ctx.authorizer = ctx.api_key = ctx.api_key_id = ctx.usage_plan = None
    ctx.authorized_for_cache_invalidation = ctx.cache_pending = ctx.error = ctx.response = None
    ctx.identity, ctx.edge, ctx.response_headers, ctx.facts = {}, False, [], {}
    ctx.access = access
    ctx.api = deployment.api
    return ctx
