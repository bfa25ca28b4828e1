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


@dataclass(frozen=True, slots=True, kw_only=True)
class CostVerdict:
    """Why HTTP's saving is what it is for this traffic: request size and price tiers, not a slogan."""

    saving_percent: float
    claim_holds: bool
    metering_factor: int  # billable HTTP requests per request (each started 512 KB counts)
    rest_usd_per_million: float  # average price actually paid for this volume
    http_usd_per_million: float
    rest_past_first_tier: bool  # REST's later, cheaper tiers lower its average
    http_past_first_tier: bool
    rest_first_tier_millions: float
    http_first_tier_millions: float


def cost_verdict(comparison: CostComparison, *, request_kb: float) -> CostVerdict:
    """Return the reasons behind ``comparison``'s saving: HTTP metering of large requests and the tiers."""
    requests = comparison.rest.requests
    millions = requests / MILLION if requests else 0.0
    http_millions = comparison.http.billable / MILLION if requests else 0.0
    rest_first = REST_TIERS[0].size_millions or 0.0
    http_first = HTTP_TIERS[0].size_millions or 0.0
    return CostVerdict(
        saving_percent=comparison.saving_percent,
        claim_holds=comparison.claim_holds,
        metering_factor=max(1, math.ceil(request_kb / HTTP_METERING_KB)),
        rest_usd_per_million=round(comparison.rest.usd / millions, 3) if millions else 0.0,
        http_usd_per_million=round(comparison.http.usd / millions, 3) if millions else 0.0,
        rest_past_first_tier=millions > rest_first,
        http_past_first_tier=http_millions > http_first,
        rest_first_tier_millions=rest_first,
        http_first_tier_millions=http_first,
    )
