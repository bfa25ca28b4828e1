"""Run simulations and read presets for the REST API (HackSoft services/selectors).

Only the engine decides gateway behaviour: these functions translate validated input into
``engine.simulate`` calls and engine results into JSON, nothing more.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from gateway_lab.engine import (
    MAX_BODY_BYTES,
    MAX_REQUESTS_PER_SIMULATION,
    MAX_VIRTUAL_DURATION_MS,
    SCHEMA_VERSION,
    Client,
    PresetNotFound,
    Trace,
    list_presets,
    load_preset,
    response_to_dict,
    simulate,
    trace_to_dict,
)

# Traces are large (a Lambda event each): one call returns at most this many; the timeline covers all.
MAX_TRACES_RETURNED = 1_000
# Response bodies and traces returned by one call, summed (characters of JSON text, roughly bytes).
MAX_RETURNED_CHARS = 8 * 1_048_576
RELEASE_AFTER_REQUESTS = 1_000  # after a run this big, give the freed memory back to the system
LIMITS = {
    "max_requests": MAX_REQUESTS_PER_SIMULATION,
    "max_body_bytes": MAX_BODY_BYTES,
    "max_virtual_duration_ms": MAX_VIRTUAL_DURATION_MS,
    "max_traces_returned": MAX_TRACES_RETURNED,
    "max_returned_chars": MAX_RETURNED_CHARS,
}


_PRESET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class UnknownPreset(LookupError):
    """No preset has this name."""


def preset_list() -> list[dict[str, Any]]:
    """Return every preset's summary (name, titles, lessons, facts, API type), without its definition."""
    return list_presets()


def preset_get(*, name: str) -> dict[str, Any]:
    """Return one preset's full JSON, or raise ``UnknownPreset``."""
    if not _PRESET_NAME.match(name):
        raise UnknownPreset(name)
    try:
        return dict(_load_preset(name))
    except (PresetNotFound, ValueError) as exc:
        raise UnknownPreset(name) from exc


def preset_names() -> list[str]:
    """Return every preset's name, in the engine's order."""
    return [str(item["name"]) for item in list_presets()]


def _load_preset(name: str) -> Mapping[str, Any]:
    return load_preset(name)


def simulation_run(
    *,
    api: Mapping[str, Any],
    stage: Mapping[str, Any] | None,
    requests: Sequence[Mapping[str, Any]],
    seed: int = 0,
    canary_api: Mapping[str, Any] | None = None,
    client: Mapping[str, Any] | None = None,
    include_traces: bool = True,
) -> bytes:
    """Simulate ``requests`` on the virtual clock; return the answer's JSON: results, summary, limits.

    Without ``stage`` the engine runs the API type's default stage (``$default`` for HTTP APIs).
    Raises ``ConfigError`` (field errors) for invalid definitions or work beyond the limits.
    Each request's response and trace are turned into JSON text as the request is made (one
    string each, not thousands of small objects), so a 10,000-request run leaves little behind.
    """
    total = sum(int(r.get("count", 1)) for r in requests)  # only to decide whether to release memory after
    default_client = Client(**client) if client else None
    collector = _Results(include_traces=include_traces)
    try:
        simulation = simulate(
            api=api,
            stage=stage,
            requests=requests,
            seed=seed,
            canary_api=canary_api,
            client=default_client,
            keep_traces=0,  # the collector keeps what the answer needs, nothing more
            observe=collector.add,
            http_allowlist=http_allowlist(),
            http_blocked_ports=service_ports(),
        )
        if not collector.results:  # WebSocket sessions return their traces instead of observing
            for index, trace in enumerate(simulation.traces):
                collector.add(index, trace)
        results = ",".join(
            _dumps(entry)[:-1] + "," + extra[1:]
            for entry, extra in zip(simulation.timeline, collector.results, strict=True)
        )
        head = _dumps({"schema": SCHEMA_VERSION})[:-1]
        tail = _dumps(
            {"summary": simulation.summary, "traces_truncated": collector.traces_truncated, "limits": LIMITS}
        )[1:]
        return f'{head},"results":[{results}],{tail}'.encode()
    finally:
        del collector
        if total >= RELEASE_AFTER_REQUESTS:
            _release.pending = True  # once the answer is sent (request_finished), see apps.py


class _Results:
    """Per request: the response (and the trace while the budget lasts), built as traces are made."""

    def __init__(self, *, include_traces: bool) -> None:
        self.include_traces = include_traces
        self.results: list[str] = []  # per request, a JSON object: {"response": …, "trace": …}
        self.traces_truncated = False
        self.budget = MAX_RETURNED_CHARS

    def add(self, index: int, trace: Trace) -> None:
        response = response_to_dict(trace.response)
        size = len(response["body"])
        if size > self.budget:
            response["body"], response["bodyTruncated"] = "", True
        else:
            self.budget -= size
        result: dict[str, Any] = {"response": response}
        if self.include_traces:
            if index < MAX_TRACES_RETURNED and not self.traces_truncated:
                as_dict = trace_to_dict(trace)
                cost = _json_size(as_dict)
                if cost <= self.budget:
                    self.budget -= cost
                    result["trace"] = as_dict
                else:
                    self.traces_truncated = True
            else:
                self.traces_truncated = True
        self.results.append(_dumps(result))


def _dumps(value: Any) -> str:
    """JSON as DRF's renderer writes it (compact, UTF-8 kept)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_size(value: Any) -> int:
    """Roughly how many characters ``value`` takes as JSON (strings dominate)."""
    size, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            size += len(item) + 2
        elif isinstance(item, dict):
            size += 2 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            size += len(item) + 2
            stack.extend(item)
        else:
            size += 8
    return size


def http_allowlist() -> tuple[str, ...]:
    """The hosts the operator lets HTTP integrations call (``GATEWAY_LAB_HTTP_ALLOWLIST``; none by default)."""
    return tuple(getattr(settings, "GATEWAY_LAB", {}).get("HTTP_ALLOWLIST", ()))


def service_ports() -> tuple[int, ...]:
    """Ports of the site's own Redis and database, which no integration may call whatever the allow-list says."""
    ports = []
    for url in (getattr(settings, "REDIS_URL", ""), getattr(settings, "DATABASE_URL", "")):
        try:
            port = urlsplit(url or "").port
        except ValueError:
            port = None
        if port:
            ports.append(port)
    return tuple(ports)


def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


_LIBC = _libc()


class _Release:
    pending = False


_release = _Release()


def release_memory_if_pending(**_kwargs: Any) -> None:
    """``request_finished`` receiver: after a big simulation's answer has gone, shrink the worker."""
    if _release.pending:
        _release.pending = False
        release_memory()


def release_memory() -> None:
    """Collect garbage and hand freed heap pages back to the system (glibc), so a worker shrinks after a big run."""
    gc.collect()
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


def simulation_from_preset(*, name: str) -> dict[str, Any]:
    """Return the ``api``/``stage``/``requests``/``canary_api`` inputs a preset defines."""
    preset = preset_get(name=name)
    keys = ("api", "stage", "requests", "canary_api", "seed", "client")
    return {key: preset[key] for key in keys if key in preset}
