"""A small ASGI app (no framework) wrapped with Mangum, exactly as Mangum's docs show: ``handler = Mangum(app)``."""

from __future__ import annotations

import json
from typing import Any

from mangum import Mangum


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    assert scope["type"] == "http"
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    answer = {
        "method": scope["method"],
        "path": scope["path"],
        "query": scope["query_string"].decode(),
        "body": body.decode(),
        "stage": scope["aws.event"]["requestContext"]["stage"],
    }
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"x-asgi", b"mangum")],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(answer).encode()})


handler = Mangum(app, lifespan="off")
