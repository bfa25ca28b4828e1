"""WebSocket APIs (GATEWAY_FACTS.md §9, §5.1): route selection, limits, connections and events.

Pure like the rest of the engine: time comes from the Clock, state from the Store. The live
gateway (``gateway_lab.livegw``) wires these to Channels; simulations use a VirtualClock.
"""

from __future__ import annotations

from ..access.manage_auth import ACTION as MANAGE_CONNECTIONS
from ..access.manage_auth import ManageAuthorization, authorize_management, connections_arn
from ..route_selection import DEFAULT_ROUTE, Selection, evaluate, resolve_route, select_route_key
from .connections import (
    CallbackContext,
    CloseCommand,
    Connection,
    ConnectionRegistry,
    ConnectionsApi,
    ConnectionTable,
    ManageResult,
    Push,
    current_callbacks,
)
from .gateway import EventOutcome, WebSocketGateway
from .limits import Close, WebSocketLimits, check_inbound, check_timeouts, ms_until_timeout

__all__ = [
    "DEFAULT_ROUTE",
    "MANAGE_CONNECTIONS",
    "CallbackContext",
    "Close",
    "CloseCommand",
    "Connection",
    "ConnectionRegistry",
    "ConnectionTable",
    "ConnectionsApi",
    "EventOutcome",
    "ManageAuthorization",
    "ManageResult",
    "Push",
    "Selection",
    "WebSocketGateway",
    "WebSocketLimits",
    "authorize_management",
    "check_inbound",
    "check_timeouts",
    "connections_arn",
    "current_callbacks",
    "evaluate",
    "ms_until_timeout",
    "resolve_route",
    "select_route_key",
]
