"""Scripted WebSocket sessions on a virtual clock: the ``websocket`` block of a preset (§9).

A WebSocket API needs sessions rather than lone requests: clients connect, send messages, get
pushes, disconnect. ``run_events`` plays such a script through ``WebSocketGateway`` and reports, per
event, its trace and who received what (``simulate`` does this for every WEBSOCKET API, see
``session``). Each client's name is its delivery channel, so a push names its recipient.
Deterministic for a given seed.

Event JSON: ``{"client": "alice", "event": "connect" | "message" | "disconnect" | "post",
"at_ms": 0, "body": "...", "query": "...", "headers": {...}, "code": 1001, "to": "bob"}``
(``post`` is a backend's ``POST @connections/{id of "to"}``). ``connection`` may name the client
instead of ``client`` (the REST API's request specs use ``client`` for the client's address).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..clock import VIRTUAL_EPOCH_MS, VirtualClock
from ..integrations import IntegrationRuntime, Runtime
from ..messages import Client, Request
from ..model_load import deploy, load_stage
from ..state import MemoryStore
from ..trace import Trace
from .connections import Push
from .gateway import EventOutcome, WebSocketGateway


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionEvent:
    """One played event: what happened, the engine's trace, the deliveries."""

    t_ms: float
    client: str
    event: str
    status: int
    trace: Trace
    reply: str | None
    deliveries: tuple[dict[str, Any], ...]  # {"to", "connection_id", "data"} or {"close", "code"}


def connection_id_for(client: str, seed: int = 0) -> str:
    """Return a stable, AWS-shaped connection id (16 characters ending in ``=``) for a client name."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"{seed}:{client}".encode()).digest()[:11]).decode()


def client_name(spec: Mapping[str, Any]) -> str:
    """Return the name of the client an event belongs to (``connection``, or ``client`` as text)."""
    name = spec.get("connection") or spec.get("client")
    return name if isinstance(name, str) and name else "client"


def run_events(
    *,
    api: Mapping[str, Any],
    stage: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    seed: int = 0,
    client: Client | None = None,
    runtime: Runtime | None = None,
) -> list[SessionEvent]:
    """Play ``events`` (sorted by ``at_ms``) against the WebSocket API on a virtual clock.

    ``client`` is the address every $connect comes from unless the event names a ``source_ip``.
    """
    clock = VirtualClock(VIRTUAL_EPOCH_MS)
    if runtime is None:
        runtime = IntegrationRuntime.default(clock=clock)
    deployment = deploy(api)
    gateway = WebSocketGateway(
        deployment=deployment,
        stage=load_stage(stage, deployment.api),
        store=MemoryStore(clock),
        clock=clock,
        runtime=runtime,
        seed=seed,
        origin_ms=VIRTUAL_EPOCH_MS,
    )
    address = client or Client(source_ip="203.0.113.10", user_agent="wscat/6.0")
    played = []
    for spec in sorted(events, key=lambda e: float(e.get("at_ms", 0))):
        clock.set(max(clock.now_ms(), VIRTUAL_EPOCH_MS + float(spec.get("at_ms", 0))))
        played.append(_play(gateway, spec, seed, address))
    return played


def _play(gateway: WebSocketGateway, spec: Mapping[str, Any], seed: int, address: Client) -> SessionEvent:
    client, kind = client_name(spec), str(spec.get("event", "message"))
    connection_id = connection_id_for(client, seed)
    body = str(spec.get("body", ""))
    if kind == "post":
        outcome = gateway.post(connection_id_for(str(spec["to"]), seed), body)
    elif kind == "connect":
        if spec.get("source_ip"):
            address = replace(address, source_ip=str(spec["source_ip"]))
        request = Request.build(
            "GET", "/", query=spec.get("query") or None, headers=spec.get("headers"), client=address
        )
        outcome = gateway.connect(request, connection_id=connection_id, channel=client)
    elif kind == "message":
        outcome = gateway.message(connection_id, body)
    elif kind == "disconnect":
        outcome = gateway.disconnect(connection_id, code=int(spec.get("code", 1001)))
    else:
        raise ValueError(f"unknown WebSocket event {kind!r} (connect, message, disconnect, post)")
    return _event(gateway, spec, outcome)


def _event(gateway: WebSocketGateway, spec: Mapping[str, Any], outcome: EventOutcome) -> SessionEvent:
    deliveries = tuple(
        {"to": a.channel, "connection_id": a.connection_id, "data": a.data.decode("utf-8", "replace")}
        if isinstance(a, Push)
        else {"close": a.channel, "code": a.code}
        for a in outcome.actions
    )
    reply = outcome.reply.decode("utf-8", "replace") if outcome.reply is not None else None
    return SessionEvent(
        t_ms=gateway.clock.now_ms() - VIRTUAL_EPOCH_MS,
        client=client_name(spec),
        event=str(spec.get("event", "message")),
        status=outcome.status,
        trace=outcome.trace,
        reply=reply,
        deliveries=deliveries,
    )
