"""The integration boundary: what the engine core hands over and what it gets back (DESIGN.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..clock import Clock
from ..messages import Request, Response

if TYPE_CHECKING:  # the ports' own modules import this one
    from .functions import FunctionRegistry
    from .http import HttpTransport
    from .lab_stores import LabServices

__all__ = [
    "Clock",
    "IntegrationCall",
    "IntegrationConfigError",
    "IntegrationError",
    "IntegrationResult",
    "Runtime",
]

DEFAULT_ACCOUNT_ID = "123456789012"


class IntegrationConfigError(ValueError):
    """An integration is configured in a way API Gateway would refuse (bad handler, host, timeout)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IntegrationCall:
    """Everything an integration needs to build its backend request (the engine core fills it)."""

    api_type: str  # "REST" | "HTTP" | "WEBSOCKET"
    api_id: str
    stage: str
    region: str
    domain_name: str
    integration: Mapping[str, Any]  # AWS JSON of the integration, ${stageVariables.x} not yet substituted
    request: Request
    account_id: str = DEFAULT_ACCOUNT_ID
    endpoint_type: str = (
        "REGIONAL"  # "EDGE" | "REGIONAL" | "PRIVATE": decides the REST timeout ceiling (§5.1)
    )
    resource_path: str = ""  # REST "/pets/{id}"; HTTP route path; WebSocket ""
    route_key: str = ""  # HTTP "GET /pets/{id}" or "$default"; WebSocket "$connect"...; REST ""
    path_parameters: Mapping[str, str] = field(default_factory=dict)
    stage_variables: Mapping[str, str] = field(default_factory=dict)
    request_id: str = ""
    extended_request_id: str = ""
    request_time_ms: float = 0.0  # epoch ms on the engine clock
    resource_id: str = ""
    deployment_id: str = ""
    authorizer: Mapping[str, Any] | None = None
    identity: Mapping[str, Any] = field(default_factory=dict)
    connection: Mapping[str, Any] | None = None  # WebSocket only: connectionId, connectedAt, eventType...
    binary_media_types: tuple[str, ...] = ()  # the REST API's binaryMediaTypes (§6.1, §6.3)
    operation_name: str | None = None  # the REST method's operationName, when it has one


@dataclass(frozen=True, slots=True, kw_only=True)
class IntegrationError:
    """The gateway must answer with a gateway response (§5.2) instead of a backend response."""

    gateway_response_type: str  # "INTEGRATION_TIMEOUT", "INTEGRATION_FAILURE", "DEFAULT_5XX", ...
    status: int
    message: str  # client-facing message, e.g. "Endpoint request timed out"
    log: str  # execution-log style cause


@dataclass(frozen=True, slots=True, kw_only=True)
class IntegrationResult:
    """What the integration produced: a response or an error, plus trace detail and latency."""

    response: Response | None
    error: IntegrationError | None
    detail: Mapping[str, Any]
    duration_ms: float
    fidelity: Any = None  # str or engine.text Message


class Runtime(Protocol):
    """The ports an integration may touch, as the engine sees them (``IntegrationRuntime`` is the
    lab's implementation; a live gateway or a test may bring its own)."""

    @property
    def functions(self) -> FunctionRegistry:
        """Which handlers may run (the allow-list), and their default timeout."""

    @property
    def services(self) -> LabServices:
        """The in-lab AWS services (SQS, Kinesis, DynamoDB stores)."""

    @property
    def http(self) -> HttpTransport:
        """The HTTP transport (operator-listed hosts only)."""

    @property
    def clock(self) -> Clock:
        """The engine clock (virtual under simulation)."""

    @property
    def live(self) -> bool:
        """True when time is real and the integration timeout is enforced on the wall clock."""

    @property
    def base_latency_ms(self) -> Mapping[str, float]:
        """Modelled backend latency per integration kind (simulation only)."""
