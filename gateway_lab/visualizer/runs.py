"""From the page's URL state to engine runs: which scenario, which requests at which virtual times.

The URL is the state: ``preset`` + builder overrides pick the definition; each ``s=<at_s>:<count>:<over_s>``
is one send on the virtual clock (the preset's own requests when there is none); ``at`` is the clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import get_language

from gateway_lab.api import services
from gateway_lab.engine.messages import Client
from gateway_lab.engine.model import ConfigError
from gateway_lab.engine.simulate import Simulation, simulate

from . import credentials
from .forms import MAX_BURST, MAX_OVER_S
from .lesson_refs import LessonRef, lesson_refs
from .scenario import Scenario, builder_scenario, compare_variant, preset_scenario, with_overrides

Send = tuple[float, int, float]  # (at seconds, count, over seconds)


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    """A scenario and its simulation, or the engine's refusal of the scenario."""

    scenario: Scenario
    simulation: Simulation | None
    errors: tuple[tuple[str, str], ...] = ()


@lru_cache(maxsize=1)
def preset_summaries() -> tuple[Mapping[str, Any], ...]:
    """Return every preset's summary (presets ship with the code, so once per process is enough)."""
    return tuple(services.preset_list())


def preset_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the picker's choices: presets grouped under their main lesson's title, in course order."""
    summaries = preset_summaries()
    refs = lesson_refs((_main_lesson(p) for p in summaries), language=get_language() or "en")
    groups: dict[str, tuple[LessonRef | None, list[tuple[str, str]]]] = {}
    for preset in summaries:
        anchor = _main_lesson(preset)
        slug = (anchor or "").partition("#")[0]
        ref = refs.get(anchor) if anchor else None
        groups.setdefault(slug, (ref, []))[1].append((str(preset["name"]), _title(preset)))
    ordered = sorted(groups.values(), key=lambda g: (g[0].order if g[0] else 10_000, _group_label(g[0])))
    return [(_group_label(ref), choices) for ref, choices in ordered]


def api_type_of(data: Mapping[str, Any]) -> str:
    """Return the API type the form's scenario will have: the builder's choice, else the preset's."""
    if data.get("api_type"):
        return str(data["api_type"])
    preset = next((p for p in preset_summaries() if p["name"] == data.get("preset")), None)
    return str((preset or {}).get("api_type") or "REST")


def _main_lesson(preset: Mapping[str, Any]) -> str | None:
    return preset.get("lesson") or next(iter(preset.get("lessons") or ()), None)


def _group_label(ref: LessonRef | None) -> str:
    return ref.lesson_title if ref else "—"


def _title(preset: Mapping[str, Any]) -> str:
    return localised(preset.get("title")) or str(preset["name"])


def localised(value: Any) -> str:
    """Return a preset text in the page's language (files give ``{"en": ..., "zh-hans": ...}`` or a string)."""
    if isinstance(value, Mapping):
        return str(value.get(get_language() or "en") or value.get("en") or "")
    return str(value or "")


MAX_SENDS = 50  # sends one link may carry


def parse_sends(values: Sequence[str]) -> list[Send]:
    """Parse ``at:count:over`` sends, dropping malformed ones and capping the total work."""
    return parse_sends_counted(values)[0]


def parse_sends_counted(values: Sequence[str]) -> tuple[list[Send], int]:
    """Return the sends a page simulates and how many requests the caps dropped (said on the page).

    A send that would take the total past ``MAX_BURST`` requests, or beyond ``MAX_SENDS`` sends, is
    dropped whole; malformed sends are dropped too (they name no requests to count).
    """
    sends: list[Send] = []
    total = dropped = 0
    for value in values[MAX_SENDS:]:
        dropped += _count_of(value)
    for value in values[:MAX_SENDS]:
        try:
            at_s, count, over_s = (
                float(value.split(":")[0]),
                int(value.split(":")[1]),
                float(value.split(":")[2]),
            )
        except (ValueError, IndexError):
            continue
        if not (0 <= at_s <= MAX_OVER_S and count >= 1 and 0 <= over_s <= MAX_OVER_S):
            continue
        if total + count > MAX_BURST:
            dropped += count
            continue
        total += count
        sends.append((at_s, count, over_s))
    return sends, dropped


def _count_of(value: str) -> int:
    try:
        return max(0, int(value.split(":")[1]))
    except (ValueError, IndexError):
        return 0


def format_send(send: Send) -> str:
    return f"{send[0]:g}:{send[1]}:{send[2]:g}"


def build_scenario(data: Mapping[str, Any], overrides: Mapping[str, Any]) -> Scenario:
    """Return the preset (or the builder default) with the builder's overrides applied."""
    base = preset_scenario(data["preset"]) if data.get("preset") else builder_scenario()
    return with_overrides(base, overrides) if overrides else base


def composed_request(scenario: Scenario, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the composer's request: form fields where given, else the scenario's first request."""
    first = dict(scenario.requests[0]) if scenario.requests else {"method": "GET", "path": "/"}
    request = {key: first[key] for key in ("method", "path", "query", "headers", "body") if key in first}
    for key in ("method", "path", "query", "body"):
        if data.get(key):
            request[key] = data[key]
    if data.get("headers"):
        request["headers"] = list(data["headers"])
    return request


def requests_for(scenario: Scenario, data: Mapping[str, Any], sends: Sequence[Send]) -> list[dict[str, Any]]:
    """Return the request specs to simulate: one per send, or the scenario's own requests.

    The composer's fields and the credentials apply to every request, so changing one thing (a
    wrong API key, a tampered body) shows its effect on all of the preset's requests.
    """
    if sends:
        request = composed_request(scenario, data)
        specs = [
            {**request, "at_ms": at * 1000, "count": count, "over_ms": over * 1000}
            for at, count, over in sends
        ]
    else:
        specs = [_composed_over(dict(r), data) for r in scenario.requests]
    if not any(data.get(k) for k in ("api_key", "token", "sigv4")):
        return specs
    credential = credentials.lab_credential(scenario) if data.get("sigv4") else None
    return [
        credentials.with_credentials(spec, data, scenario=scenario, credential=credential) for spec in specs
    ]


def _composed_over(spec: dict[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    for key in ("method", "path", "query", "body"):
        if data.get(key):
            spec[key] = data[key]
    if data.get("headers"):
        spec["headers"] = list(data["headers"])
    return spec


def credential_errors(scenario: Scenario, data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Return why the chosen credentials cannot be applied to this scenario (none: they can)."""
    if data.get("sigv4") and credentials.lab_credential(scenario) is None:
        return (("sigv4", credentials.NO_IAM_USER),)
    return ()


def client_for(data: Mapping[str, Any], scenario: Scenario) -> Client | None:
    """Return the client the builder describes (Region, source IP, VPC endpoint) over the preset's client."""
    fields: dict[str, Any] = dict((scenario.preset or {}).get("client") or {})
    if data.get("region"):
        fields["region"] = data["region"]
    if data.get("source_ip"):
        fields["source_ip"] = data["source_ip"]
    if data.get("vpce"):
        fields.update(vpce_id=data["vpce"], vpc_id="vpc-0lab")
    return Client(**fields) if fields else None


def run(scenario: Scenario, requests: Sequence[Mapping[str, Any]], *, client: Client | None) -> Run:
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
        return Run(scenario=scenario, simulation=None, errors=tuple(exc.errors))
    return Run(scenario=scenario, simulation=simulation)


def run_variant(
    scenario: Scenario, kind: str, requests: Sequence[Mapping[str, Any]], *, client: Client | None
) -> Run:
    """Run the other configuration of a comparison (or the preset's own ``compare`` API) on the same requests."""
    other = (scenario.preset or {}).get("compare")
    if kind == "preset" and other:
        variant = Scenario(
            api=dict(other["api"]),
            stage=dict(other.get("stage") or {}),
            requests=scenario.requests,
            preset=scenario.preset,
        )
        return run(variant, requests, client=client)
    return run(compare_variant(scenario, "api_type" if kind == "preset" else kind), requests, client=client)
