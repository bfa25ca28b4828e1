"""Monthly request cost of REST vs HTTP APIs from the us-east-1 list prices (GATEWAY_FACTS.md §1.2).

Pricing is not gateway behaviour, so it lives here rather than in the engine. The tiers are
marginal: the first 333 million REST calls of a month cost $3.50 per million, the next 667 million
$2.80, and so on. HTTP APIs meter each started 512 KB of request as one call, which is why the
"71 % cheaper" claim only holds for small requests at first-tier volume.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MILLION = 1_000_000
HTTP_METERING_KB = 512  # §1.2: each 512 KB of an HTTP API request is one billable request


@dataclass(frozen=True, slots=True, kw_only=True)
class Tier:
    """A price band: ``size_millions`` calls (None = the rest) at ``usd_per_million``."""

    size_millions: float | None
    usd_per_million: float


REST_TIERS = (
    Tier(size_millions=333, usd_per_million=3.50),
    Tier(size_millions=667, usd_per_million=2.80),
    Tier(size_millions=19_000, usd_per_million=2.38),
    Tier(size_millions=None, usd_per_million=1.51),
)
HTTP_TIERS = (Tier(size_millions=300, usd_per_million=1.00), Tier(size_millions=None, usd_per_million=0.90))
TIERS = {"REST": REST_TIERS, "HTTP": HTTP_TIERS}


@dataclass(frozen=True, slots=True, kw_only=True)
class Cost:
    api_type: str
    requests: int  # calls the clients make per month
    billable: int  # calls AWS bills (HTTP: per started 512 KB)
    usd: float


@dataclass(frozen=True, slots=True, kw_only=True)
class CostComparison:
    rest: Cost
    http: Cost
    saving_percent: float  # how much cheaper HTTP is than REST for this traffic

    @property
    def claim_holds(self) -> bool:
        """True when HTTP really is about 71 % cheaper (the study note's claim) for this traffic."""
        return self.saving_percent >= 70.5


def billable_requests(api_type: str, *, requests: int, request_kb: float) -> int:
    """Return the calls AWS bills: REST counts calls, HTTP counts each started 512 KB."""
    if api_type != "HTTP":
        return requests
    return requests * max(1, math.ceil(request_kb / HTTP_METERING_KB))


def tiered_usd(tiers: tuple[Tier, ...], calls: int) -> float:
    """Return the price of ``calls`` across marginal ``tiers``."""
    remaining, usd = calls / MILLION, 0.0
    for tier in tiers:
        band = remaining if tier.size_millions is None else min(remaining, tier.size_millions)
        usd += band * tier.usd_per_million
        remaining -= band
        if remaining <= 0:
            break
    return round(usd, 2)


def monthly_cost(api_type: str, *, requests: int, request_kb: float = 1.0) -> Cost:
    """Return the monthly request charge of ``requests`` calls of ``request_kb`` each."""
    billable = billable_requests(api_type, requests=requests, request_kb=request_kb)
    return Cost(
        api_type=api_type, requests=requests, billable=billable, usd=tiered_usd(TIERS[api_type], billable)
    )


def compare_costs(*, requests: int, request_kb: float = 1.0) -> CostComparison:
    """Return REST and HTTP monthly costs side by side with HTTP's saving in percent."""
    rest = monthly_cost("REST", requests=requests, request_kb=request_kb)
    http = monthly_cost("HTTP", requests=requests, request_kb=request_kb)
    saving = 0.0 if rest.usd == 0 else round((1 - http.usd / rest.usd) * 100, 1)
    return CostComparison(rest=rest, http=http, saving_percent=saving)
