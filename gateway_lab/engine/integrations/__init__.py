"""Integrations: what happens between "integration request" and "integration response" (§6).

The engine core's integration stage builds an ``IntegrationCall`` and calls ``invoke(call, runtime)``;
it gets back an ``IntegrationResult`` holding either the ``Response`` to send or an
``IntegrationError`` that the response stage turns into a gateway response (§5.2).

``IntegrationRuntime`` bundles the ports an integration may touch: the function registry (which
handlers may run), the in-lab AWS services (SQS, Kinesis, DynamoDB stores), the HTTP transport
(operator-listed hosts only, none by default) and the clock. Under simulation (``live=False``) time spent by handlers
is virtual; in live mode it is real and the integration timeout is enforced on the wall clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import aws_services, http, lambda_custom, lambda_proxy, mock
from .errors import config_error
from .functions import FunctionRegistry, LambdaContext
from .http import HttpTransport, allow_listed_transport
from .http_transport import BLOCKED_PORTS, MAX_WAIT_S
from .lab_stores import LabServices
from .types import (
    DEFAULT_ACCOUNT_ID,
    Clock,
    IntegrationCall,
    IntegrationConfigError,
    IntegrationError,
    IntegrationResult,
    Runtime,
)

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "Clock",
    "FunctionRegistry",
    "HttpTransport",
    "IntegrationCall",
    "IntegrationConfigError",
    "IntegrationError",
    "IntegrationResult",
    "IntegrationRuntime",
    "LabServices",
    "LambdaContext",
    "Runtime",
    "invoke",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class IntegrationRuntime:
    """The ports integrations use; build one per gateway (simulation or live server)."""

    functions: FunctionRegistry
    services: LabServices
    http: HttpTransport
    clock: Clock
    live: bool = False
    # Modelled backend latency per integration kind, used under simulation only (fidelity note in traces).
    base_latency_ms: dict[str, float] = field(
        default_factory=lambda: {"lambda": 5.0, "http": 20.0, "aws": 8.0, "mock": 0.0}
    )

    @classmethod
    def default(
        cls,
        *,
        clock: Clock,
        live: bool = False,
        function_packages: tuple[str, ...] = ("gateway_lab.functions",),
        http_allowlist: tuple[str, ...] = (),
        http_blocked_ports: tuple[int, ...] = (),
    ) -> IntegrationRuntime:
        """Build a runtime with the built-in functions, fresh in-memory stores and an allow-listed transport.

        The allow-list is empty unless the operator names hosts (``GATEWAY_LAB_HTTP_ALLOWLIST``): an
        HTTP integration then reaches nothing. Simulations (``live=False``) wait at most
        ``MAX_WAIT_S`` real seconds per backend call; the live gateway waits the integration timeout.
        """
        return cls(
            functions=FunctionRegistry(allowed_packages=function_packages),
            services=LabServices(clock=clock),
            http=allow_listed_transport(
                http_allowlist,
                max_wait_s=None if live else MAX_WAIT_S,
                blocked_ports=BLOCKED_PORTS | set(http_blocked_ports),
            ),
            clock=clock,
            live=live,
        )


def _aws_dispatch(
    lambda_fn: Callable[[IntegrationCall, Runtime], IntegrationResult],
    service_fn: Callable[[IntegrationCall, Runtime], IntegrationResult],
) -> Callable[[IntegrationCall, Runtime], IntegrationResult]:
    """Route an ``AWS`` integration to Lambda (non-proxy) or to an AWS service by its URI."""

    def run(call: IntegrationCall, runtime: Runtime) -> IntegrationResult:
        uri = str(call.integration.get("uri", ""))
        return lambda_fn(call, runtime) if ":lambda:path/" in uri else service_fn(call, runtime)

    return run


_BY_KIND: dict[str, Callable[[IntegrationCall, Runtime], IntegrationResult]] = {
    "AWS_PROXY": lambda_proxy.invoke_lambda_proxy,
    "AWS": _aws_dispatch(lambda_custom.invoke_lambda_custom, aws_services.invoke_aws_service),
    "HTTP": http.invoke_http,
    "HTTP_PROXY": http.invoke_http_proxy,
    "MOCK": mock.invoke_mock,
}


def invoke(call: IntegrationCall, runtime: Runtime) -> IntegrationResult:
    """Run the integration of ``call`` and return the response or the gateway error to send."""
    kind = str(call.integration.get("type", "")).upper()
    handler = _BY_KIND.get(kind)
    if handler is None:
        return config_error(f"Unsupported integration type: {kind or '(none)'}", kind="unknown")
    try:
        return handler(call, runtime)
    except IntegrationConfigError as exc:
        return config_error(str(exc), kind=kind.lower())
