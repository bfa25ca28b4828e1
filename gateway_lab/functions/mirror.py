"""Mirror: send the request body straight back, with its content type — binary bodies included.

With ``binaryMediaTypes`` on a REST API, an image arrives base64-encoded (``isBase64Encoded: true``);
returning it with ``isBase64Encoded: true`` makes API Gateway decode it back to bytes for a client whose
``Accept`` (or the response's content type) matches those types (GATEWAY_FACTS.md §6.1, §6.3).
"""

from __future__ import annotations

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Return the request's body, content type and base64 flag unchanged."""
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": headers.get("content-type", "application/octet-stream")},
        "body": event.get("body") or "",
        "isBase64Encoded": bool(event.get("isBase64Encoded")),
    }
