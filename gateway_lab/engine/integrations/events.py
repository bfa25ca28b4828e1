"""Lambda proxy events, field for field as API Gateway sends them (§6.1, §6.2, §9).

``rest_event`` is payload 1.0 as REST APIs send it (no ``version`` key); ``http_v1_event`` adds
``version: "1.0"`` for HTTP APIs; ``http_v2_event`` is payload 2.0; ``websocket_event`` builds the
$connect / MESSAGE / $disconnect events and is public for the WebSocket front end too.
"""

from __future__ import annotations

from typing import Any

from .events_http import http_v1_event, http_v2_event
from .events_rest import rest_event
from .events_websocket import websocket_event, websocket_event_for_call
from .types import IntegrationCall

__all__ = [
    "http_v1_event",
    "http_v2_event",
    "proxy_event",
    "rest_event",
    "websocket_event",
    "websocket_event_for_call",
]


def proxy_event(call: IntegrationCall) -> dict[str, Any]:
    """Return the event for ``call``'s API type and ``payloadFormatVersion``."""
    if call.api_type == "WEBSOCKET":
        return websocket_event_for_call(call)
    if call.api_type == "HTTP":
        version = str(call.integration.get("payloadFormatVersion", "2.0"))
        return http_v2_event(call) if version == "2.0" else http_v1_event(call)
    return rest_event(call)
