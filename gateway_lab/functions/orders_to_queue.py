"""Orders to queue: accept an order and put it on an SQS queue for a worker to process later.

The decoupling pattern: the API answers 202 at once; the slow work happens off the request path.
The queue is ``orders`` unless the stage variable ``queueName`` says otherwise. In AWS this would
be ``boto3.client("sqs").send_message(...)``; here it is the lab's in-memory queue.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from . import lab


def _body(event: dict[str, Any]) -> str:
    body = event.get("body") or ""
    return base64.b64decode(body).decode("utf-8") if event.get("isBase64Encoded") else body


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Validate the JSON order, enqueue it and answer 202 with the message id."""
    try:
        order = json.loads(_body(event) or "{}")
    except json.JSONDecodeError:
        return {"statusCode": 400, "body": json.dumps({"message": "The order must be JSON"})}
    queue_name = lab.param(event, "_", stage_variable="queueName", default="orders")
    services = lab.services()
    with services.lock:
        sent = services.queue(queue_name).send_message(json.dumps(order), now_ms=lab.now_ms())
    return {"statusCode": 202, "body": json.dumps({"queued": True, "queue": queue_name, **sent})}
