"""Built-in WebSocket Lambda handlers: AWS's sample chat app, a price ticker and an echo route."""

from __future__ import annotations
