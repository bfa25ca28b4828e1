"""Steps and traces: the one thing every front end draws (DESIGN.md, "Trace").

A step records what one pipeline stage looked at, what it decided and why. ``trace_to_dict`` is
the only JSON shape of a trace; the REST API, the visualizer, the live gateway's debug output and
the WebSocket demo all use it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from json.encoder import encode_basestring_ascii
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
        "stage": _plain(step.stage),
        "outcome": _plain(step.outcome),
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


# The plain str of each stage and outcome (what str() gives), looked up instead of converted per step.
_PLAIN: dict[str, str] = {str(member): str(member) for member in (*StageName, *Outcome)}


def _plain(name: str) -> str:
    return _PLAIN.get(name) or str(name)


def step_messages(step: Step) -> dict[str, Any]:
    """Return the step's sentences as ``{"title"|"reason"|"fidelity": {"id", "params"}}`` (those it has)."""
    found = {"title": step.title_msg, "reason": step.reason_msg, "fidelity": step.fidelity_msg}
    data: dict[str, Any] = {name: message.to_dict() for name, message in found.items() if message is not None}
    if step.detail_msgs:
        data["detail"] = {path: message.to_dict() for path, message in step.detail_msgs.items()}
    return data


def response_to_dict(response: Response) -> dict[str, Any]:
    body, is_base64 = response.body_for_json()
    headers, multi = response.headers.single_and_multi()
    return {
        "status": response.status,
        "headers": headers,
        "multiValueHeaders": multi,
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


def trace_to_json(trace: Trace) -> str:
    """Return ``json.dumps(trace_to_dict(trace))``, the same text, built without the dicts.

    A trace repeats what other traces said: the stage, outcome and title of a step, its fact and
    lesson, a cached response's body. Those parts are encoded once and kept (``_Fragments``, keyed
    by their values, bounded), and a template step's detail carries its own JSON
    (``SharedDetail``); the parts of this request alone (ids, times, details, headers) are encoded
    by json's C encoder. tests/engine/test_trace_json.py checks the text against
    ``json.dumps(trace_to_dict(trace))`` for every preset's traces.
    """
    steps = ", ".join([_step_json(step) for step in trace.steps])
    return (
        f'{{"schema": {SCHEMA_VERSION}, "request_id": {_encode(trace.request_id)}, "steps": [{steps}], '
        f'"response": {_response_json(trace.response)}, "total_ms": {_encode(round(trace.total_ms, 3))}, '
        f'"meta": {_encode(dict(trace.meta))}}}'
    )


def _step_json(step: Step) -> str:
    detail, reason = step.detail, step.reason
    head = _fragments.head(step.stage, step.outcome, step.title)
    tail = _fragments.tail(step.duration_ms, step.fact, step.lesson, step.fidelity)
    if detail.__class__ is SharedDetail:
        detail_json = detail.json
    else:
        detail_json = _encode(detail if detail.__class__ is dict else dict(detail)) if detail else "{}"
    return (
        f"{head}{encode_basestring_ascii(reason) if reason.__class__ is str else _encode(reason)}, "
        f'"detail": {detail_json}, "t_ms": {_number(round(step.t_ms, 3))}{tail}'
    )


class SharedDetail(dict[str, Any]):
    """A step detail shared by many steps that never changes (a stage's template step), carrying
    its JSON: ``trace_to_json`` encodes it once. Equal to, and serialised as, the plain dict."""

    __slots__ = ("json",)

    def __init__(self, detail: Mapping[str, Any], json_text: str) -> None:
        super().__init__(detail)
        self.json = json_text


def share_detail(detail: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return ``detail`` as a ``SharedDetail`` (or as it is when it is empty or not JSON data)."""
    if not detail:
        return detail
    try:
        encoded = _encode(dict(detail))
    except (TypeError, ValueError):  # not JSON data: trace_to_json will say so where it is used
        return detail
    return SharedDetail(detail, encoded)


def _response_json(response: Response) -> str:
    headers, multi = response.headers.single_and_multi()
    return (
        f'{{"status": {_encode(response.status)}, "headers": {_encode(headers)}, '
        f'"multiValueHeaders": {_encode(multi)}, {_fragments.body(response.body)}}}'
    )


def _number(value: Any) -> str:
    """A rounded time as JSON: floats are the common case (repr), anything else goes to the encoder."""
    if value.__class__ is float and value == value and value not in (_INF, -_INF):
        return float.__repr__(value)
    return _encode(value)


_INF = float("inf")
# json.dumps' own C encoder with its default options, made once (json.dumps makes one per call).
# No circular-reference markers: a trace is a tree (a cycle would end in RecursionError instead).
_c_encoder: Callable[[Any, int], Any] = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
    None, json.JSONEncoder().default, encode_basestring_ascii, None, ": ", ", ", False, False, True
)


def _encode(value: Any) -> str:
    return "".join(_c_encoder(value, 0))


class _Fragments:
    """Encoded JSON of the parts traces repeat, keyed by their values (never by identity); bounded."""

    LIMIT = 2048
    BODY_LIMIT = 64  # bodies kept (the latest responses of a stage cache, an echo's event)
    BODY_MAX = 65_536  # bytes: larger bodies are encoded each time

    def __init__(self) -> None:
        self._heads: dict[tuple[str, str, str], str] = {}
        self._tails: dict[tuple[float, str | None, str | None, str | None], str] = {}
        self._bodies: dict[bytes, str] = {}

    def head(self, stage: str, outcome: str, title: str) -> str:
        key = (stage, outcome, title)
        found = self._heads.get(key)
        if found is None:
            if len(self._heads) >= self.LIMIT:
                self._heads.clear()
            found = self._heads[key] = (
                f'{{"stage": {_encode(_plain(stage))}, "outcome": {_encode(_plain(outcome))}, '
                f'"title": {_encode(title)}, "reason": '
            )
        return found

    def tail(self, duration_ms: float, fact: str | None, lesson: str | None, fidelity: str | None) -> str:
        key = (duration_ms, fact, lesson, fidelity)
        found = self._tails.get(key)
        if found is None:
            if len(self._tails) >= self.LIMIT:
                self._tails.clear()
            text = f', "duration_ms": {_number(round(duration_ms, 3))}'
            text += f', "fact": {_encode(fact)}, "lesson": {_encode(lesson)}'
            if fidelity:
                text += f', "fidelity": "simplified", "fidelity_note": {_encode(fidelity)}'
            found = self._tails[key] = text + "}"
        return found

    def body(self, body: bytes) -> str:
        """Return ``"body": …, "isBase64Encoded": …`` of a response body."""
        cacheable = body.__class__ is bytes and len(body) <= self.BODY_MAX
        found = self._bodies.get(body) if cacheable else None
        if found is None:
            text, is_base64 = _body_for_json(body)
            found = f'"body": {_encode(text)}, "isBase64Encoded": {_encode(is_base64)}'
            if cacheable:
                if len(self._bodies) >= self.BODY_LIMIT:
                    self._bodies.clear()
                self._bodies[body] = found
        return found


def _body_for_json(body: bytes) -> tuple[str, bool]:
    return Response(status=200, body=body).body_for_json()


_fragments = _Fragments()
