"""The visualizer's scenario vocabulary: the canonical query, the scenario it describes and its run.

Plain dataclasses, no Django: ``run_for(query)`` turns a ``Query`` into a ``Run`` (``run.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway_lab.engine import Simulation

Send = tuple[float, int, float]  # (at seconds, count, over seconds)

# Builder fields that, when the URL sets them, change the preset's definition.
OVERRIDE_FIELDS = ("api_type", "endpoint", "integration", "auth", "rate", "burst", "cache", "ttl")
# Fields that change a preset's requests: its key request is only the key one as the preset has it.
REQUEST_FIELDS = (
    "api_key",
    "token",
    "sigv4",
    "method",
    "path",
    "query",
    "headers",
    "body",
    "region",
    "source_ip",
    "vpce",
)


def api_type(api: Mapping[str, Any]) -> str:
    """Return an API definition's type: ``protocolType``, which AWS leaves out for REST APIs."""
    return str(api.get("protocolType", "REST"))


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveApi:
    """A definition the live gateway serves (``/gw/<api_id>/<stage>/``), as the visualizer runs it."""

    api_id: str
    stage_name: str
    definition_json: str  # the API's JSON (a string keeps the query hashable: it is the cache key)
    stage_json: str
    canary_json: str = ""  # the canary's deployment, when it serves another definition


@dataclass(frozen=True, slots=True, kw_only=True)
class Query:
    """The canonical, validated visualizer query: everything that decides a run, nothing that does not.

    Where the learner is (request, step, guess, predict) is not part of it: stepping through a run
    asks for the same ``Query`` again, which ``run_for`` answers from its cache.
    """

    preset: str = ""
    live: LiveApi | None = None  # a live gateway API instead of a preset
    overrides: tuple[tuple[str, Any], ...] = ()  # (builder field, value), sorted by field
    method: str = ""
    path: str = ""
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    api_key: str = ""
    token: str = ""
    sigv4: str = ""
    region: str = ""
    source_ip: str = ""
    vpce: str = ""
    sends: tuple[Send, ...] = ()
    compare: str = ""  # run the other side of this comparison ("api_type", "cache", "endpoint", "preset")

    @classmethod
    def from_fields(
        cls, data: Mapping[str, Any], *, sends: tuple[Send, ...] = (), live: LiveApi | None = None
    ) -> Query:
        """Return the query of a form's cleaned fields (blank fields keep the scenario's values)."""
        overrides = tuple(
            sorted((name, data[name]) for name in OVERRIDE_FIELDS if data.get(name) not in (None, ""))
        )
        text = {
            name: str(data.get(name) or "")
            for name in ("method", "path", "query", "body", "api_key", "token", "sigv4")
        }
        client = {name: str(data.get(name) or "") for name in ("region", "source_ip", "vpce")}
        return cls(
            preset=str(data.get("preset") or ""),
            live=live,
            overrides=overrides,
            headers=tuple((str(k), str(v)) for k, v in data.get("headers") or ()),
            sends=tuple(sends),
            **text,
            **client,
        )

    @property
    def changes_requests(self) -> bool:
        """True when a field changes the scenario's own requests (so its key request may not be one)."""
        return any(getattr(self, name) for name in REQUEST_FIELDS)

    @property
    def credentials(self) -> bool:
        return bool(self.api_key or self.token or self.sigv4)


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """Everything ``engine.simulate`` needs, plus where it came from."""

    api: dict[str, Any]
    stage: dict[str, Any]
    requests: list[dict[str, Any]]
    canary_api: dict[str, Any] | None = None
    preset: Mapping[str, Any] | None = None
    live: LiveApi | None = None
    changes: tuple[str, ...] = field(default=())  # builder fields that changed the preset

    @property
    def api_type(self) -> str:
        return api_type(self.api)


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    """A scenario, the requests it ran and their simulation, or the engine's refusal of the scenario.

    Runs are cached and shared between requests and threads: read them, never change them.
    """

    scenario: Scenario
    requests: tuple[dict[str, Any], ...]
    simulation: Simulation | None
    errors: tuple[tuple[str, str], ...] = ()
