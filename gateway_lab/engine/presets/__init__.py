"""Scenario files shared by lessons, the visualizer, the docs and the tests.

Each ``<name>.json`` holds ``name``, ``title``/``description``/``notice`` (``{"en": ..., "zh-hans": ...}``),
``lesson`` (main anchor) and ``lessons``, ``facts`` (GATEWAY_FACTS.md sections), ``api`` and ``stage``
(AWS JSON), ``client``, ``requests`` (``simulation.RequestSpec.from_dict`` format: ``count`` copies spread
evenly over ``over_ms`` from ``at_ms``, the one rule every front end and test uses) and optionally ``compare`` (``{"label", "api", "stage"}``: the same requests against a second
API), ``canary_api`` and ``expect`` (what the tests check, mirroring ``notice``).

``focus`` (``{"request": index, "stage": name}``) names the key request: the one the preset is about
(the first 429, the authorizer-cache trap…) and the stage that teaches it. Front ends open the preset
there; ``key_request`` reads it and falls back to the first non-2xx response.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..messages import Client
from ..simulate import simulate
from ..simulation import Simulation

PRESET_DIR = Path(__file__).resolve().parent
LANGUAGES = ("en", "zh-hans")


class PresetNotFound(KeyError):
    """No preset file has that name."""


def _localised(value: Any) -> dict[str, str]:
    """Return ``{"en": ..., "zh-hans": ...}`` whether the file gives a map or a plain string."""
    if isinstance(value, dict):
        return {lang: str(value.get(lang) or value.get("en", "")) for lang in LANGUAGES}
    return {lang: str(value or "") for lang in LANGUAGES}


@lru_cache(maxsize=64)
def _read(name: str) -> str:
    path = PRESET_DIR / f"{name}.json"
    if "/" in name or not path.is_file():
        raise PresetNotFound(name)
    return path.read_text(encoding="utf-8")


def load_preset(name: str) -> dict[str, Any]:
    """Return a fresh copy of the preset ``name``; raise ``PresetNotFound`` for unknown names."""
    return json.loads(_read(name))  # type: ignore[no-any-return]


def list_presets() -> list[dict[str, Any]]:
    """Return every preset's summary, by name: the one place a listing of presets is built.

    Name, localised title/description, lessons, facts, the API type, and the notice when the
    preset has one. Front ends (the API, the visualizer's picker, lessons) filter it; none re-reads
    the preset files to build their own.
    """
    return [_summary(path.stem) for path in sorted(PRESET_DIR.glob("*.json"))]


def _summary(name: str) -> dict[str, Any]:
    data = load_preset(name)
    summary = {
        "name": name,
        "title": _localised(data.get("title")),
        "description": _localised(data.get("description")),
        "lesson": data.get("lesson") or (data.get("lessons") or [None])[0],
        "lessons": data.get("lessons") or [data.get("lesson")],
        "facts": data.get("facts", []),
        "api_type": (data.get("api") or {}).get("protocolType", "REST"),
    }
    if "notice" in data:
        summary["notice"] = data["notice"]
    return summary


def key_request(preset: Mapping[str, Any], statuses: Sequence[int]) -> tuple[int, str | None]:
    """Return (request index, stage or None) a front end should open ``preset`` on.

    ``statuses`` are the responses of the preset's requests, in order. The declared ``focus`` wins
    when its request exists; otherwise the first non-2xx response, else the first request.
    """
    focus = preset.get("focus") or {}
    index = focus.get("request")
    if isinstance(index, int) and 0 <= index < len(statuses):
        stage = focus.get("stage")
        return index, str(stage) if stage else None
    first = next((i for i, status in enumerate(statuses) if not 200 <= status < 300), 0)
    return first, None


def run_preset(name: str, *, seed: int = 0) -> list[tuple[str, Simulation]]:
    """Simulate the preset (and its ``compare`` API, if any); return ``[(label, simulation), ...]``."""
    data = load_preset(name)
    client = Client(**data["client"]) if data.get("client") else None
    runs = [(data.get("label", "main"), data["api"], data["stage"])]
    if data.get("compare"):
        runs.append((data["compare"]["label"], data["compare"]["api"], data["compare"]["stage"]))
    return [
        (
            label,
            simulate(
                api=api,
                stage=stage,
                requests=data["requests"],
                seed=seed,
                client=client,
                canary_api=data.get("canary_api"),
            ),
        )
        for label, api, stage in runs
    ]
