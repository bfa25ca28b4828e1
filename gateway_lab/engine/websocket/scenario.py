"""Scripted WebSocket sessions on a virtual clock: the ``websocket`` block of a preset (§9).

``simulate`` runs HTTP-style requests through the pipeline; a WebSocket API needs sessions instead:
clients connect, send messages, get pushes, disconnect. ``run_events`` plays such a script through
``WebSocketGateway`` and reports, per event, its trace and who received what. Each client's name is
its delivery channel, so a push names its recipient. Deterministic for a given seed.

Event JSON: ``{"client": "alice", "event": "connect" | "message" | "disconnect" | "post",
"at_ms": 0, "body": "...", "query": "...", "headers": {...}, "code": 1001, "to": "bob"}``
(``post`` is a backend's ``POST @connections/{id of "to"}``).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..clock import VIRTUAL_EPOCH_MS, VirtualClock
from ..messages import Client, Request
from ..model import Deployment
from ..model_load import load_stage
from ..state import MemoryStore
from ..trace import Trace
from .connections import Push
from .gateway import EventOutcome, WebSocketGateway


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionEvent:
    """One played event: what happened, the engine's trace (None for a backend ``post``), the deliveries."""

    t_ms: float
    client: str
    event: str
    status: int
    trace: Trace | None
    reply: str | None
    deliveries: tuple[dict[str, Any], ...]  # {"to": client, "data": text} or {"close": client, "code": n}


def connection_id_for(client: str, seed: int = 0) -> str:
    """Return a stable, AWS-shaped connection id (16 characters ending in ``=``) for a client name."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"{seed}:{client}".encode()).digest()[:11]).decode()


def run_events(
    *, api: Mapping[str, Any], stage: Mapping[str, Any], events: Sequence[Mapping[str, Any]], seed: int = 0
) -> list[SessionEvent]:
    """Play ``events`` (sorted by ``at_ms``) against the WebSocket API on a virtual clock."""
    from ..integrations import IntegrationRuntime  # the runtime package imports the engine core lazily

    clock = VirtualClock(VIRTUAL_EPOCH_MS)
    deployment = Deployment.create(api)
    gateway = WebSocketGateway(
        deployment=deployment,
        stage=load_stage(stage, deployment.api),
        store=MemoryStore(clock),
        clock=clock,
        runtime=IntegrationRuntime.default(clock=clock),
        seed=seed,
    )
    played = []
    for spec in sorted(events, key=lambda e: float(e.get("at_ms", 0))):
        clock.set(max(clock.now_ms(), VIRTUAL_EPOCH_MS + float(spec.get("at_ms", 0))))
        played.append(_play(gateway, spec, seed))
    return played


def _play(gateway: WebSocketGateway, spec: Mapping[str, Any], seed: int) -> SessionEvent:
    client, kind = str(spec["client"]), str(spec["event"])
    connection_id = connection_id_for(client, seed)
    body = str(spec.get("body", ""))
    if kind == "post":
        api = gateway.connections_api()
        result = api.post(connection_id_for(str(spec["to"]), seed), body)
        return _event(gateway, spec, status=result.status, outcome=None, actions=tuple(api.outbox))
    if kind == "connect":
        request = Request.build(
            "GET",
            "/",
            query=spec.get("query") or None,
            headers=spec.get("headers"),
            client=Client(source_ip=str(spec.get("source_ip", "203.0.113.10")), user_agent="wscat/6.0"),
        )
        outcome = gateway.connect(request, connection_id=connection_id, channel=client)
    elif kind == "message":
        outcome = gateway.message(connection_id, body)
    elif kind == "disconnect":
        outcome = gateway.disconnect(connection_id, code=int(spec.get("code", 1001)))
    else:
        raise ValueError(f"unknown WebSocket event {kind!r} (connect, message, disconnect, post)")
    return _event(gateway, spec, status=outcome.status, outcome=outcome, actions=outcome.actions)


def _event(
    gateway: WebSocketGateway,
    spec: Mapping[str, Any],
    *,
    status: int,
    outcome: EventOutcome | None,
    actions: tuple,
) -> SessionEvent:
    deliveries = tuple(
        {"to": a.channel, "data": a.data.decode("utf-8", "replace")}
        if isinstance(a, Push)
        else {"close": a.channel, "code": a.code}
        for a in actions
    )
    reply = outcome.reply.decode("utf-8", "replace") if outcome and outcome.reply is not None else None
    return SessionEvent(
        t_ms=gateway.clock.now_ms() - VIRTUAL_EPOCH_MS,
        client=str(spec["client"]),
        event=str(spec["event"]),
        status=status,
        trace=outcome.trace if outcome else None,
        reply=reply,
        deliveries=deliveries,
    )


def run_websocket_preset(name: str, *, seed: int = 0) -> list[SessionEvent]:
    """Play the ``websocket.events`` script of the preset ``name``."""
    from ..presets import load_preset

    data = load_preset(name)
    return run_events(api=data["api"], stage=data["stage"], events=data["websocket"]["events"], seed=seed)
