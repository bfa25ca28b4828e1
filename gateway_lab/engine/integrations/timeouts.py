"""Integration timeouts per API type and endpoint type (§5.1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .types import IntegrationConfigError

MIN_TIMEOUT_MS = 50
DEFAULT_TIMEOUT_MS = {"REST": 29_000, "HTTP": 30_000, "WEBSOCKET": 29_000}
# Since June 2024 Regional and private REST APIs may raise the ceiling through Service Quotas; the
# 300 s figure comes from a re:Post answer (§5.1, UNCONFIRMED). Edge-optimized stays at 29 s.
RAISED_REST_MAX_MS = 300_000


def max_timeout_ms(api_type: str, endpoint_type: str) -> int:
    """Return the largest timeout API Gateway accepts for this API and endpoint type."""
    if api_type == "REST" and endpoint_type.upper() in ("REGIONAL", "PRIVATE"):
        return RAISED_REST_MAX_MS
    return DEFAULT_TIMEOUT_MS.get(api_type, 29_000)


def resolve_timeout_ms(api_type: str, endpoint_type: str, integration: Mapping[str, Any]) -> int:
    """Return the integration's timeout, the default when unset; raise for values AWS would refuse."""
    raw = integration.get("timeoutInMillis")
    if raw is None:
        return DEFAULT_TIMEOUT_MS.get(api_type, 29_000)
    value = int(raw)
    ceiling = max_timeout_ms(api_type, endpoint_type)
    if not MIN_TIMEOUT_MS <= value <= ceiling:
        raise IntegrationConfigError(
            f"timeoutInMillis must be between {MIN_TIMEOUT_MS} and {ceiling} ms for a {endpoint_type} {api_type} API"
        )
    return value
