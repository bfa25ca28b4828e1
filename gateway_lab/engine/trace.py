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
from .text import Message

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

    ``title_msg``/``reason_msg``/``fidelity_msg`` carry the same sentences as message ids plus
    parameters (``engine.text``), for front ends that show them in the learner's language; the
    plain English fields stay the rendered default.
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
    title_msg: Message | None = None
    reason_msg: Message | None = None
    fidelity_msg: Message | None = None
    # Sentences inside ``detail`` (a policy statement's "why"), keyed by their path: "statements.0.why".
    detail_msgs: Mapping[str, Message] | None = None

    @property
    def is_final(self) -> bool:
        """True when this step ends the request early (a denial or an error)."""
        return self.outcome in (Outcome.REJECT, Outcome.ERROR)


def make_step(
    *,
    title: str | Message,
    reason: str | Message,
    fidelity: str | Message | None = None,
    **fields: Any,
) -> Step:
    """Return a ``Step`` whose title, reason and fidelity may be given as messages (``engine.text``)."""
    texts: dict[str, Any] = {}
    for name, value in (("title", title), ("reason", reason), ("fidelity", fidelity)):
        if isinstance(value, Message):
            texts[name], texts[f"{name}_msg"] = str(value), value
        else:
            texts[name] = value
    return Step(**texts, **fields)


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


def step_to_dict(step: Step, *, messages: bool = False) -> dict[str, Any]:
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
    if messages:
        data["messages"] = step_messages(step)
    return data


def step_messages(step: Step) -> dict[str, Any]:
    """Return the step's sentences as ``{"title"|"reason"|"fidelity": {"id", "params"}}`` (those it has)."""
    found = {"title": step.title_msg, "reason": step.reason_msg, "fidelity": step.fidelity_msg}
    data: dict[str, Any] = {name: message.to_dict() for name, message in found.items() if message is not None}
    if step.detail_msgs:
        data["detail"] = {path: message.to_dict() for path, message in step.detail_msgs.items()}
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


def trace_to_dict(trace: Trace, *, messages: bool = False) -> dict[str, Any]:
    """Return the JSON shape of a trace (schema version ``SCHEMA_VERSION``).

    ``messages=True`` adds each step's message ids and parameters under ``steps[i].messages``
    (the visualizer translates them); the default shape, which the API and snapshots use, has none.
    """
    return {
        "schema": SCHEMA_VERSION,
        "request_id": trace.request_id,
        "steps": [step_to_dict(step, messages=messages) for step in trace.steps],
        "response": response_to_dict(trace.response),
        "total_ms": round(trace.total_ms, 3),
        "meta": dict(trace.meta),
    }
