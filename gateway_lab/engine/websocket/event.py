"""The three WebSocket events (§9) as the gateway feeds them to the engine's pipelines.

Each builder returns the request and the seeded ``facts["connection"]`` (what the integration puts in
``requestContext``) for one event kind; the stage orders say which engine stages each kind runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..messages import Client, Request
from ..pipeline import Pipeline, build_pipeline
from ..trace import StageName, Step
from .connections import Connection

S = StageName
CONNECT_STAGES = (S.ENDPOINT, S.ROUTING, S.AUTH, S.API_KEY, S.THROTTLE, S.INTEGRATION, S.RESPONSE)
MESSAGE_STAGES = (S.ROUTING, S.THROTTLE, S.INTEGRATION, S.RESPONSE)
DISCONNECT_STAGES = (S.ROUTING, S.INTEGRATION, S.RESPONSE)


@dataclass(slots=True)
class WsEvent:
    """One event on its way through a pipeline; ``steps`` collects its trace."""

    kind: str  # CONNECT | MESSAGE | DISCONNECT
    request: Request
    connection: dict[str, Any]
    authorizer: Mapping[str, Any] | None = None
    steps: list[Step] = field(default_factory=list)


def event_pipelines(
    *, stage_order: tuple[StageName, ...] = CONNECT_STAGES, **options: Any
) -> dict[tuple[StageName, ...], Pipeline]:
    """Return one pipeline per event kind; all share $connect's id generator and time origin.

    ``options`` are ``build_pipeline``'s keyword arguments (api, stage, clock, store, runtime, ...).
    """
    connect = build_pipeline(stage_order=stage_order, **options)
    return {
        CONNECT_STAGES: connect,
        MESSAGE_STAGES: connect.with_stages(MESSAGE_STAGES),
        DISCONNECT_STAGES: connect.with_stages(DISCONNECT_STAGES),
    }


def connect_event(request: Request, *, connection_id: str, now_ms: float) -> WsEvent:
    """Return the $connect event for the upgrade ``request``."""
    request = replace(request, method="CONNECT", time_ms=now_ms)
    connection = {"connectionId": connection_id, "connectedAt": now_ms, "eventType": "CONNECT"}
    return WsEvent("CONNECT", request, connection)


def message_event(
    connection: Connection | None, *, connection_id: str, body: bytes, message_id: str, now_ms: float
) -> WsEvent:
    """Return the MESSAGE event for one client frame on ``connection`` (None once it is gone)."""
    request = Request(method="MESSAGE", path="/", body=body, client=_client(connection), time_ms=now_ms)
    facts = {
        "connectionId": connection_id,
        "eventType": "MESSAGE",
        "messageId": message_id,
        "connectedAt": connection.connected_at_ms if connection else now_ms,
    }
    return WsEvent("MESSAGE", request, facts, authorizer=connection.authorizer if connection else None)


def disconnect_event(
    connection: Connection | None, *, connection_id: str, code: int, reason: str, now_ms: float
) -> WsEvent:
    """Return the $disconnect event for ``connection`` closed with ``code``."""
    request = Request(method="DISCONNECT", path="/", client=_client(connection), time_ms=now_ms)
    facts = {
        "connectionId": connection_id,
        "eventType": "DISCONNECT",
        "connectedAt": connection.connected_at_ms if connection else now_ms,
        "disconnectStatusCode": code,
        "disconnectReason": reason,
    }
    return WsEvent("DISCONNECT", request, facts, authorizer=connection.authorizer if connection else None)


def _client(connection: Connection | None) -> Client:
    # Later events carry what the upgrade request showed; a vanished connection shows nothing.
    return Client(
        source_ip=connection.source_ip if connection else "",
        user_agent=connection.user_agent if connection else "",
    )
