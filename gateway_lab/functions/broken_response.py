"""Broken response: return a proxy response API Gateway cannot use, chosen with ``?variant=``.

Variants: ``extra-key`` (default; REST rejects unknown keys), ``bad-status`` (statusCode "oops"),
``string-status`` (statusCode "201": accepted!), ``body-object`` (body is a dict, not a string),
``not-an-object`` (a bare string), ``multi-not-list`` (a multiValueHeaders value that is not a list).
"""

from __future__ import annotations

from typing import Any

from . import lab

VARIANTS: dict[str, Any] = {
    "extra-key": {"statusCode": 200, "body": "ok", "wrongValue": "value"},
    "bad-status": {"statusCode": "oops", "body": "ok"},
    "string-status": {"statusCode": "201", "body": "created"},
    "body-object": {"statusCode": 200, "body": {"message": "not a string"}},
    "not-an-object": "justAString",
    "multi-not-list": {"statusCode": 200, "multiValueHeaders": {"x-demo": "not-a-list"}},
}


def handler(event: dict[str, Any], context: Any) -> Any:
    """Return the malformed response named by ``?variant=``."""
    return VARIANTS.get(lab.param(event, "variant", default="extra-key"), VARIANTS["extra-key"])
