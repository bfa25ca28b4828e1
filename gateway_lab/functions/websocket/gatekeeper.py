"""A $connect handler that admits only clients sending ``?ticket=open-sesame`` (else 403, no connection)."""

from __future__ import annotations

from typing import Any

TICKET = "open-sesame"


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Accept the upgrade (200) when the ticket matches; refuse it (403) otherwise."""
    ticket = (event.get("queryStringParameters") or {}).get("ticket")
    return {"statusCode": 200} if ticket == TICKET else {"statusCode": 403, "body": "Forbidden"}
