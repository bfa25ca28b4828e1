"""A uvicorn WebSocket protocol that tells the application how big each incoming frame was.

AWS limits WebSocket frames to 32 KB and messages to 128 KB (GATEWAY_FACTS.md §5.1): a 100 KB
message split into 32 KB frames passes, a 33 KB message sent as one frame is closed with 1009. ASGI
hands an application whole messages only, so the frame sizes are lost on the way. This subclass of
uvicorn's default protocol (``websockets-sansio``) adds them to each ``websocket.receive`` event
under ``FRAMES_KEY``; the consumer passes them to the engine, which decides (and traces) the close.

Serve with ``uvicorn … --ws gateway_lab.livegw.wsframes:FrameReportingProtocol`` (``make run``,
``make serve`` and the test servers do). Sizes are those of the payloads as the application sees
them (after permessage-deflate), which is never less than what the client meant to send.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

FRAMES_KEY = "gateway_lab.frames"


class _FrameLabellingQueue(asyncio.Queue):  # type: ignore[type-arg]
    """The protocol's queue of ASGI events: each ``websocket.receive`` gets its message's frame sizes."""

    def __init__(self, protocol: Any) -> None:
        super().__init__()
        self._protocol = protocol

    def put_nowait(self, item: Any) -> None:
        if item.get("type") == "websocket.receive":
            item[FRAMES_KEY] = list(self._protocol.frame_sizes)
        super().put_nowait(item)


class FrameReportingProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol, plus the frame sizes of every message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.frame_sizes: list[int] = []
        self.queue = _FrameLabellingQueue(self)

    def handle_text(self, event: Any) -> None:
        self.frame_sizes = [len(event.data)]
        super().handle_text(event)

    def handle_bytes(self, event: Any) -> None:
        self.frame_sizes = [len(event.data)]
        super().handle_bytes(event)

    def handle_cont(self, event: Any) -> None:
        self.frame_sizes.append(len(event.data))
        super().handle_cont(event)
