"""What the CloudFront hop of an edge-optimized API does to requests and responses (§2, §6.1)."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from .messages import Client, Headers

# Through CloudFront, header names keep the client's casing (``cache-control`` stays lower-case) except
# Authorization and User-Agent, which arrive capitalised (§6.1, AWS-recorded events).
_CANONICAL = {name.lower(): name for name in ("Authorization", "User-Agent")}
_CF_ADDRESS = "130.176.0.1"  # a CloudFront edge address as seen by the API
_MOBILE = ("Mobile", "Android", "iPhone")
POP_BY_REGION = {
    "us-east-1": "IAD89-C1",
    "us-west-2": "SEA19-C1",
    "eu-west-1": "DUB56-P1",
    "eu-central-1": "FRA56-C2",
    "ap-southeast-2": "SYD62-P1",
    "ap-northeast-1": "NRT57-P2",
    "ap-southeast-1": "SIN2-P1",
    "sa-east-1": "GRU3-P1",
}


def _token(seed: str, length: int) -> str:
    return hashlib.blake2b(seed.encode(), digest_size=32).hexdigest()[:length]


def via(request_id: str, version: str) -> str:
    return f"{version} {request_id.replace('-', '')}.cloudfront.net (CloudFront)"


def capitalise(headers: Headers) -> tuple[list[tuple[str, str]], list[str]]:
    """Return header pairs with Authorization/User-Agent capitalised and cookies sorted, plus what changed."""
    changed: list[str] = []
    pairs: list[tuple[str, str]] = []
    if not headers.pairs:
        return pairs, changed
    for name, value in headers.pairs:
        canonical = _CANONICAL.get(name.lower(), name)
        if canonical != name:
            changed.append(f"{name} → {canonical}")
        if canonical.lower() == "cookie":
            value = "; ".join(sorted(part.strip() for part in value.split(";") if part.strip()))
        pairs.append((canonical, value))
    return pairs, changed


def request_headers(client: Client, *, request_id: str, trace_id: str, host: str) -> list[tuple[str, str]]:
    """Return the headers CloudFront adds on its way to the API (§2, as AWS-recorded events show)."""
    head, tail = client_headers(client, host)
    return [*head, *request_id_headers(request_id, trace_id), *tail]


def request_id_headers(request_id: str, trace_id: str) -> tuple[tuple[str, str], ...]:
    """Return the added headers that change with every request (between ``client_headers``' two parts)."""
    return (
        ("Via", via(request_id, "2.0")),
        ("X-Amz-Cf-Id", cf_id(request_id)),
        ("X-Amzn-Trace-Id", trace_id),
    )


def client_headers(
    client: Client, host: str
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """Return the added headers before and after the per-request ones; they depend on the client only.

    The endpoint stage keeps them per client (``EndpointStage``): every request of a client repeats them.
    """
    mobile = any(marker in client.user_agent for marker in _MOBILE)
    head = (
        ("CloudFront-Forwarded-Proto", "https"),
        ("CloudFront-Is-Desktop-Viewer", "false" if mobile else "true"),
        ("CloudFront-Is-Mobile-Viewer", "true" if mobile else "false"),
        ("CloudFront-Is-SmartTV-Viewer", "false"),
        ("CloudFront-Is-Tablet-Viewer", "false"),
        ("CloudFront-Viewer-ASN", "64496"),
        ("CloudFront-Viewer-Country", str(client.country)),
        ("Host", host),
    )
    tail = (
        ("X-Forwarded-For", f"{client.source_ip}, {_CF_ADDRESS}"),
        ("X-Forwarded-Port", "443"),
        ("X-Forwarded-Proto", "https"),
    )
    return head, tail


@lru_cache(maxsize=4)  # requested twice per request (request and response headers)
def cf_id(request_id: str) -> str:
    return _token(request_id + "cf", 56)


def response_headers(client: Client, *, request_id: str, error: bool) -> list[tuple[str, str]]:
    """Return the headers CloudFront adds to the response (``X-Cache`` is not the API cache, §4)."""
    return [
        ("X-Cache", "Error from cloudfront" if error else "Miss from cloudfront"),
        ("Via", via(request_id, "1.1")),
        ("X-Amz-Cf-Pop", POP_BY_REGION.get(client.region, "IAD89-C1")),
        ("X-Amz-Cf-Id", cf_id(request_id)),
    ]


RESPONSE_NAMES = tuple(name for name, _ in response_headers(Client(), request_id="x", error=False))
ADDED_NAMES = frozenset(
    name.lower() for name, _ in request_headers(Client(), request_id="x", trace_id="x", host="x")
)
# Header index of request_headers()'s result alone (its names never change): a request that
# brought no headers of its own needs no index built per request.
ADDED_INDEX = {
    name.lower(): [i]
    for i, (name, _) in enumerate(request_headers(Client(), request_id="x", trace_id="x", host="x"))
}
