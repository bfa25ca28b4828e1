"""The ``@connections`` client a WebSocket handler uses, shaped like boto3's ``apigatewaymanagementapi``.

In AWS a handler builds ``boto3.client("apigatewaymanagementapi", endpoint_url=f"https://{domain}/{stage}")``
and calls ``post_to_connection(ConnectionId=..., Data=...)``. Here the running event binds the lab's
callback API, so the same calls work without credentials or a network hop. ``table(name)`` stands in
for the DynamoDB table of connection ids that AWS's sample chat app keeps.
"""

from __future__ import annotations

import json
from typing import Any

from gateway_lab.engine.websocket import ConnectionTable, ManageResult, current_callbacks


class GoneException(Exception):  # noqa: N818 — boto3's name, so handler code reads like AWS's samples
    """The connection no longer exists (HTTP 410)."""


class PayloadTooLargeException(Exception):  # noqa: N818
    """The data is over 128 KB (HTTP 413)."""


def _raise_for(result: ManageResult, connection_id: str) -> None:
    if result.status == 410:
        raise GoneException(f"Connection {connection_id} is gone")
    if result.status == 413:
        raise PayloadTooLargeException("Data is over 128 KB")


def post_to_connection(*, ConnectionId: str, Data: bytes | str) -> dict[str, Any]:  # noqa: N803 — boto3 names
    """Send ``Data`` to the client of ``ConnectionId``."""
    result = current_callbacks().api.post(ConnectionId, Data)
    _raise_for(result, ConnectionId)
    return {"ResponseMetadata": {"HTTPStatusCode": result.status}}


def get_connection(*, ConnectionId: str) -> dict[str, Any]:  # noqa: N803
    """Return ``connectedAt``, ``identity`` and ``lastActiveAt`` of a connection."""
    result = current_callbacks().api.get(ConnectionId)
    _raise_for(result, ConnectionId)
    return json.loads(result.body)


def delete_connection(*, ConnectionId: str) -> None:  # noqa: N803
    """Close the client's connection."""
    _raise_for(current_callbacks().api.delete(ConnectionId), ConnectionId)


def table(name: str) -> ConnectionTable:
    """Return the lab table of connection ids called ``name`` (shared by every server process)."""
    return current_callbacks().table(name)
