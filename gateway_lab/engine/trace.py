"""Steps and traces: the one thing every front end draws (DESIGN.md, "Trace").

A step records what one pipeline stage looked at, what it decided and why. ``trace_to_dict`` is
the only JSON shape of a trace; the REST API, the visualizer, the live gateway's debug output and
the WebSocket demo all use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .messages import Response

SCHEMA_VERSION = 1


class StageName(StrEnum):
    """The one stage vocabulary (UI, API, classroom polls), in pipeline order."""

    ENDPOINT = "endpoint"
    ROUTING = "routing"
    RESOURCE_POLICY = "resource_policy"
    AUTH = "auth"
    API_KEY = "api_key"
    THROTTLE = "throttle"
    VALIDATION = "validation"
    CACHE = "cache"
    INTEGRATION = "integration"
    RESPONSE = "response"


class Outcome(StrEnum):
    PASS = "pass"
    REJECT = "reject"
    HIT = "hit"
    MISS = "miss"
    SKIP = "skip"
    ERROR = "error"


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One stage's decision.

    ``detail`` is JSON-safe data the front ends draw (bucket layers, cache key, Lambda event…).
    ``fact`` names the GATEWAY_FACTS.md section behind the decision, ``lesson`` the lesson
    section that explains it (``"performance#throttling"``). ``fidelity`` is ``None`` when the
    engine follows AWS exactly, or a sentence saying how it simplifies.
    """

    stage: StageName
    outcome: Outcome
    title: str
    reason: str
    detail: Mapping[str, Any] = field(default_factory=dict)
    t_ms: float = 0.0
    duration_ms: float = 0.0
    fact: str | None = None
    lesson: str | None = None
    fidelity: str | None = None

    @property
    def is_final(self) -> bool:
        """True when this step ends the request early (a denial or an error)."""
        return self.outcome in (Outcome.REJECT, Outcome.ERROR)


@dataclass(frozen=True, slots=True, kw_only=True)
class Trace:
    """Every step of one request, plus the response the client got."""

    steps: tuple[Step, ...]
    response: Response
    request_id: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def total_ms(self) -> float:
        return sum(step.duration_ms for step in self.steps)

    def step(self, stage: StageName | str) -> Step | None:
        """Return the step of ``stage``, or None when the request never reached it."""
        for candidate in self.steps:
            if candidate.stage == stage:
                return candidate
        return None

    def outcomes(self) -> list[tuple[str, str]]:
        """The (stage, outcome) list, handy in tests and summaries."""
        return [(str(s.stage), str(s.outcome)) for s in self.steps]


def step_to_dict(step: Step) -> dict[str, Any]:
    data: dict[str, Any] = {
        "stage": str(step.stage),
        "outcome": str(step.outcome),
        "title": step.title,
        "reason": step.reason,
        "detail": dict(step.detail),
        "t_ms": round(step.t_ms, 3),
        "duration_ms": round(step.duration_ms, 3),
        "fact": step.fact,
        "lesson": step.lesson,
    }
    if step.fidelity:
        data["fidelity"] = "simplified"
        data["fidelity_note"] = step.fidelity
    return data


def response_to_dict(response: Response) -> dict[str, Any]:
    body, is_base64 = response.body_for_json()
    return {
        "status": response.status,
        "headers": response.headers.to_dict(),
        "multiValueHeaders": {name: response.headers.get_all(name) for name in response.headers},
        "body": body,
        "isBase64Encoded": is_base64,
    }


def trace_to_dict(trace: Trace) -> dict[str, Any]:
    """Return the JSON shape of a trace (schema version ``SCHEMA_VERSION``)."""
    return {
        "schema": SCHEMA_VERSION,
        "request_id": trace.request_id,
        "steps": [step_to_dict(step) for step in trace.steps],
        "response": response_to_dict(trace.response),
        "total_ms": round(trace.total_ms, 3),
        "meta": dict(trace.meta),
    }
