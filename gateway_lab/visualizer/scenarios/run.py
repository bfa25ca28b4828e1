"""``run_for(query) -> Run``: the one way from a visualizer query to an engine run, cached by query.

The engine is deterministic (virtual clock, seeded randomness), so the same canonical query always
gives the same run: stepping through a 1,000-request burst asks for the same ``Query`` at every
step and is answered from a bounded LRU cache instead of simulating again. ``functools.lru_cache``
keeps its bookkeeping consistent across threads; two threads missing on the same query at once both
simulate and one result is kept, which costs time, never correctness.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from gateway_lab.engine import Client, ConfigError, simulate

from . import credentials
from .definitions import builder_scenario, live_scenario, preset_scenario, variant_scenario, with_overrides
from .model import Query, Run, Scenario

CACHE_SIZE = 16  # runs kept per process: a 1,000-request run holds ~6 MB of traces, so ~100 MB at most


def run_for(query: Query) -> Run:
    """Return the run ``query`` describes (from the cache when this process ran it already)."""
    return _cached_run(query)


def clear_cache() -> None:
    """Forget every cached run (tests; a process serves the same presets for its whole life)."""
    _cached_run.cache_clear()


@lru_cache(maxsize=CACHE_SIZE)
def _cached_run(query: Query) -> Run:
    scenario = scenario_for(replace(query, compare=""))
    requests = tuple(requests_for(scenario, query))  # a comparison sends the very same requests
    refused = credential_errors(scenario, query)
    if query.compare:
        scenario = variant_scenario(scenario, query.compare)
    if refused:
        return Run(scenario=scenario, requests=requests, simulation=None, errors=refused)
    return _simulate(scenario, requests, client=client_for(query, scenario))


def scenario_for(query: Query) -> Scenario:
    """Return the scenario ``query`` describes: the preset, live API or builder default, with its overrides.

    A ``compare`` query gives the other side of that comparison (another configuration).
    """
    if query.live is not None:
        base = live_scenario(query.live)
    elif query.preset:
        base = preset_scenario(query.preset)
    else:
        base = builder_scenario()
    overrides = dict(query.overrides)
    scenario = with_overrides(base, overrides) if overrides else base
    return variant_scenario(scenario, query.compare) if query.compare else scenario


def composed_request(
    scenario: Scenario, query: Query, spec: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Return ``spec`` (default: the scenario's first request) with the composer's fields laid over it."""
    if spec is None:
        first = scenario.requests[0] if scenario.requests else {"method": "GET", "path": "/"}
        spec = {key: first[key] for key in ("method", "path", "query", "headers", "body") if key in first}
    request = dict(spec)
    for key in ("method", "path", "query", "body"):
        if getattr(query, key):
            request[key] = getattr(query, key)
    if query.headers:
        request["headers"] = list(query.headers)
    return request


def requests_for(scenario: Scenario, query: Query) -> list[dict[str, Any]]:
    """Return the request specs to simulate: one per send, or the scenario's own requests.

    The composer's fields and the credentials apply to every request, so changing one thing (a
    wrong API key, a tampered body) shows its effect on all of the preset's requests.
    """
    if query.sends:
        request = composed_request(scenario, query)
        specs = [
            {**request, "at_ms": at * 1000, "count": count, "over_ms": over * 1000}
            for at, count, over in query.sends
        ]
    else:
        specs = [composed_request(scenario, query, r) for r in scenario.requests]
    if not query.credentials:
        return specs
    credential = credentials.lab_credential(scenario) if query.sigv4 else None
    return [
        credentials.with_credentials(spec, query, scenario=scenario, credential=credential) for spec in specs
    ]


def credential_errors(scenario: Scenario, query: Query) -> tuple[tuple[str, str], ...]:
    """Return why the chosen credentials cannot be applied to this scenario (none: they can)."""
    if query.sigv4 and credentials.lab_credential(scenario) is None:
        return (("sigv4", credentials.NO_IAM_USER),)
    return ()


def client_for(query: Query, scenario: Scenario) -> Client | None:
    """Return the client the builder describes (Region, source IP, VPC endpoint) over the preset's client."""
    fields: dict[str, Any] = dict((scenario.preset or {}).get("client") or {})
    if query.region:
        fields["region"] = query.region
    if query.source_ip:
        fields["source_ip"] = query.source_ip
    if query.vpce:
        fields.update(vpce_id=query.vpce, vpc_id="vpc-0lab")
    return Client(**fields) if fields else None


def _simulate(scenario: Scenario, requests: tuple[dict[str, Any], ...], *, client: Client | None) -> Run:
    """Simulate ``requests``; an invalid scenario becomes field errors, never an exception."""
    try:
        simulation = simulate(
            api=scenario.api,
            stage=scenario.stage,
            requests=requests,
            client=client,
            canary_api=scenario.canary_api,
        )
    except ConfigError as exc:
        return Run(scenario=scenario, requests=requests, simulation=None, errors=tuple(exc.errors))
    return Run(scenario=scenario, requests=requests, simulation=simulation)


def compare_query(query: Query, kind: str) -> Query:
    """Return the query of the other side of comparison ``kind``."""
    return replace(query, compare=kind)
