"""Run simulations and read presets for the REST API (HackSoft services/selectors).

Only the engine decides gateway behaviour: these functions translate validated input into
``engine.simulate`` calls and engine results into JSON, nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from gateway_lab.engine import presets
from gateway_lab.engine.messages import Client
from gateway_lab.engine.model import ConfigError
from gateway_lab.engine.simulate import (
    MAX_BODY_BYTES,
    MAX_REQUESTS_PER_SIMULATION,
    MAX_VIRTUAL_DURATION_MS,
    simulate,
)
from gateway_lab.engine.trace import SCHEMA_VERSION, response_to_dict, trace_to_dict

# Traces are large (a Lambda event each): one call returns at most this many; the timeline covers all.
MAX_TRACES_RETURNED = 1_000
LIMITS = {
    "max_requests": MAX_REQUESTS_PER_SIMULATION,
    "max_body_bytes": MAX_BODY_BYTES,
    "max_virtual_duration_ms": MAX_VIRTUAL_DURATION_MS,
    "max_traces_returned": MAX_TRACES_RETURNED,
}


_PRESET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class UnknownPreset(LookupError):
    """No preset has this name."""


def preset_list() -> list[dict[str, Any]]:
    """Return every preset's summary (name, titles, lessons, facts), without its definition."""
    keep = ("name", "title", "description", "lesson", "lessons", "facts", "notice", "api_type")
    return [{key: value for key, value in preset_summary(p).items() if key in keep} for p in _all_presets()]


def preset_get(*, name: str) -> dict[str, Any]:
    """Return one preset's full JSON, or raise ``UnknownPreset``."""
    if not _PRESET_NAME.match(name):
        raise UnknownPreset(name)
    try:
        return dict(_load_preset(name))
    except (presets.PresetNotFound, ValueError) as exc:
        raise UnknownPreset(name) from exc


def preset_names() -> list[str]:
    """Return every preset's name, in the engine's order."""
    return [str(item["name"]) for item in presets.list_presets()]


def _load_preset(name: str) -> Mapping[str, Any]:
    return presets.load_preset(name)


def preset_summary(preset: Mapping[str, Any]) -> dict[str, Any]:
    """Return a preset with the API type spelled out for listings."""
    api = preset.get("api") or {}
    return {**preset, "api_type": api.get("protocolType", "REST")}


def _all_presets() -> list[Mapping[str, Any]]:
    return [_load_preset(name) for name in preset_names()]


def simulation_run(
    *,
    api: Mapping[str, Any],
    stage: Mapping[str, Any] | None,
    requests: Sequence[Mapping[str, Any]],
    seed: int = 0,
    canary_api: Mapping[str, Any] | None = None,
    client: Mapping[str, Any] | None = None,
    include_traces: bool = True,
) -> dict[str, Any]:
    """Simulate ``requests`` on the virtual clock; return per-request results, timeline and summary.

    Without ``stage`` the engine runs the API type's default stage (``$default`` for HTTP APIs).
    Raises ``ConfigError`` (field errors) for invalid definitions or work beyond the limits.
    """
    total = sum(int(r.get("count", 1)) for r in requests)
    if total > MAX_REQUESTS_PER_SIMULATION:
        raise ConfigError(
            [("requests", f"at most {MAX_REQUESTS_PER_SIMULATION} requests per call; got {total}")]
        )
    default_client = Client(**client) if client else None
    simulation = simulate(
        api=api, stage=stage, requests=requests, seed=seed, canary_api=canary_api, client=default_client
    )
    results = []
    for entry, trace in zip(simulation.timeline, simulation.traces, strict=True):
        result = {**entry, "response": response_to_dict(trace.response)}
        if include_traces and entry["index"] < MAX_TRACES_RETURNED:
            result["trace"] = trace_to_dict(trace)
        results.append(result)
    return {
        "schema": SCHEMA_VERSION,
        "results": results,
        "summary": simulation.summary,
        "traces_truncated": include_traces and len(results) > MAX_TRACES_RETURNED,
        "limits": LIMITS,
    }


def simulation_from_preset(*, name: str) -> dict[str, Any]:
    """Return the ``api``/``stage``/``requests``/``canary_api`` inputs a preset defines."""
    preset = preset_get(name=name)
    keys = ("api", "stage", "requests", "canary_api", "seed", "client")
    return {key: preset[key] for key in keys if key in preset}
