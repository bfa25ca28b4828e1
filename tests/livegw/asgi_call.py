"""Call an ASGI app in-process with one HTTP request (no server, no extra dependency)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any


@dataclass
class AsgiResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


async def call(
    app: Any,
    method: str,
    url: str,
    *,
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
    client: tuple[str, int] = ("127.0.0.1", 50000),
) -> AsgiResponse:
    """Send one request to ``app`` as uvicorn would (raw path and query string as given)."""
    path, _, query = url.partition("?")
    from urllib.parse import unquote

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "root_path": "",
        "headers": [(b"host", b"testserver")]
        + [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers or []],
        "client": client,
        "server": ("testserver", 80),
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:  # the client waits for the answer (Django treats a disconnect as "stop")
            await asyncio.Event().wait()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return AsgiResponse(
        status=start["status"],
        headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])},
        body=b"".join(chunks),
    )
