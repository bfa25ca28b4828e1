"""The ceiling for the WebSocket broadcast: a bare ASGI WebSocket app on the same uvicorn.

``bench/ceilings.py`` serves ``bare_ws:app`` with uvicorn (``--app-dir bench``) and runs ``bench/ws.py``'s
clients against it and against the project, in the same run. It does the irreducible work of the
chat's fan-out: accept every upgrade, and when a client sends ``{"action": "sendmessage", "data": …}``
send ``data`` to every connected client, the sender too, one ``websocket.send`` each.

What it leaves out, on purpose: the engine (routes, the ``$connect``/``$default`` Lambda functions,
the connection registry and ``@connections`` calls, traces and their redaction for the event log),
Django and Channels (URL routing, consumers, the channel layer, the connection-timeout watchdog),
frame sizes (§5.1's 32 KB limit), authorisation, and any cross-process delivery (one process only).

Run alone it serves on a port: ``python bench/bare_ws.py --port 8765``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable
from typing import Any

Send = Callable[[dict[str, Any]], Awaitable[None]]
CLIENTS: set[Send] = set()


async def app(scope: dict[str, Any], receive: Any, send: Send) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    if (await receive())["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    CLIENTS.add(send)
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            try:
                body = json.loads(text) if text else {}
            except ValueError:
                continue
            if isinstance(body, dict) and body.get("action") == "sendmessage":
                data = body.get("data", "")
                out = {"type": "websocket.send", "text": data if isinstance(data, str) else json.dumps(data)}
                for client in list(CLIENTS):
                    try:
                        await client(out)
                    except Exception:  # a client that went away meanwhile
                        CLIENTS.discard(client)
    finally:
        CLIENTS.discard(send)


if __name__ == "__main__":
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=int, default=0, help="serve on 127.0.0.1:PORT (0: only say what this is)"
    )
    args = parser.parse_args()
    if args.port:
        uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
    else:
        print("bare_ws: the bare WebSocket server bench/ceilings.py measures against (--port N to serve it)")
