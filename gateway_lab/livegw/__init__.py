"""The live gateway: the engine on the network (WebSocket APIs, @connections, demo pages)."""

from __future__ import annotations
