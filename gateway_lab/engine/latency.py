"""A small, documented network-latency model for the endpoint stage (a teaching simplification).

Round-trip times between broad areas of the world over the public internet. An edge-optimized
request travels to a nearby CloudFront POP (``EDGE_POP_RTT_MS``) and then over AWS's backbone,
modelled as ``BACKBONE_FACTOR`` of the internet RTT, plus CloudFront's own processing. The figures
are plausible orders of magnitude, not measurements; every step using them is marked ``fidelity``.
"""

from __future__ import annotations

from functools import lru_cache

from .text import Text

SAME_REGION_RTT_MS = 10.0
SAME_AREA_RTT_MS = 30.0
EDGE_POP_RTT_MS = 15.0
BACKBONE_FACTOR = 0.75
CLOUDFRONT_PROCESSING_MS = 2.0

_AREA_RTT_MS: dict[frozenset[str], float] = {
    frozenset({"na", "eu"}): 90.0,
    frozenset({"na", "sa"}): 130.0,
    frozenset({"na", "asia"}): 160.0,
    frozenset({"na", "oc"}): 200.0,
    frozenset({"na", "mea"}): 170.0,
    frozenset({"eu", "sa"}): 200.0,
    frozenset({"eu", "asia"}): 200.0,
    frozenset({"eu", "oc"}): 280.0,
    frozenset({"eu", "mea"}): 100.0,
    frozenset({"sa", "asia"}): 280.0,
    frozenset({"sa", "oc"}): 300.0,
    frozenset({"sa", "mea"}): 250.0,
    frozenset({"asia", "oc"}): 110.0,
    frozenset({"asia", "mea"}): 150.0,
    frozenset({"oc", "mea"}): 230.0,
}
DISCLAIMER = Text(
    "Latency comes from a coarse area-to-area table (GATEWAY_FACTS.md has no latency figures); "
    "compare the two paths, not the absolute numbers."
)()


def area(region: str) -> str:
    """Return the broad area of an AWS Region code (``ap-southeast-2`` → ``oc``)."""
    if region.startswith(("us-", "ca-", "mx-")):
        return "na"
    if region.startswith("sa-"):
        return "sa"
    if region.startswith(("eu-", "il-")):
        return "eu"
    if region.startswith(("me-", "af-")):
        return "mea"
    if region in ("ap-southeast-2", "ap-southeast-4"):
        return "oc"
    return "asia"


@lru_cache(maxsize=1024)
def internet_rtt_ms(client_region: str, api_region: str) -> float:
    """Round trip from a client near ``client_region`` to ``api_region`` over the internet."""
    if client_region == api_region:
        return SAME_REGION_RTT_MS
    a, b = area(client_region), area(api_region)
    if a == b:
        return SAME_AREA_RTT_MS
    return _AREA_RTT_MS[frozenset({a, b})]


@lru_cache(maxsize=1024)
def edge_rtt_ms(client_region: str, api_region: str) -> float:
    """Round trip through a nearby CloudFront POP and AWS's backbone to ``api_region``."""
    backbone = BACKBONE_FACTOR * internet_rtt_ms(client_region, api_region)
    return EDGE_POP_RTT_MS + backbone + CLOUDFRONT_PROCESSING_MS
