"""Helpers the access-control stages share: ARNs, condition keys and AWS's denial responses."""

from __future__ import annotations

import json
from typing import Any

from ..authorizers import method_arn, route_arn
from ..context import Context, GatewayError
from ..model import ApiType, EndpointType
from ..text import Message
from ..trace import Outcome, StageName, Step
from .base import record

ACCESS_MS = 0.3  # modelled time of a policy evaluation or signature check


def request_arn(ctx: Context) -> str:
    """The execute-api ARN of this request: ``…:{api-id}/{stage}/{METHOD}/{path}`` (§7.1).

    A WebSocket route has no method: its ARN ends in the route key, ``…/{stage}/$connect`` (§9).
    """
    if ctx.api.api_type == ApiType.WEBSOCKET and ctx.match is not None:
        return route_arn(
            region=ctx.api.region,
            account_id=ctx.account.account_id,
            api_id=ctx.api.id,
            stage=ctx.stage.name,
            route_key=ctx.match.route_key,
        )
    return method_arn(
        region=ctx.api.region,
        account_id=ctx.account.account_id,
        api_id=ctx.api.id,
        stage=ctx.stage.name,
        method=ctx.request.method,
        path=ctx.request.path,
    )


def api_arn(ctx: Context) -> str:
    return f"arn:aws:execute-api:{ctx.api.region}:{ctx.account.account_id}:{ctx.api.id}"


def condition_keys(ctx: Context) -> dict[str, Any]:
    """Global condition keys of the request; aws:SourceVpc/aws:SourceVpce exist only for private APIs (§2)."""
    client = ctx.request.client
    keys: dict[str, Any] = {"aws:SourceIp": client.source_ip, "aws:UserAgent": client.user_agent}
    if ctx.api.endpoint_type == EndpointType.PRIVATE:
        keys |= {"aws:SourceVpc": client.vpc_id, "aws:SourceVpce": client.vpce_id}
    return keys


def capital_message(text: str) -> bytes:
    """Policy denials arrive as ``{"Message": …}`` with a capital M (§2, §14.11)."""
    return json.dumps({"Message": text}, separators=(",", ":")).encode()


def deny(
    ctx: Context,
    stage: StageName,
    *,
    response_type: str,
    title: str | Message,
    reason: str | Message,
    message: str | None,
    status: int | None = None,
    capital: bool = False,
    headers: tuple[tuple[str, str], ...] = (),
    detail: dict[str, Any] | None = None,
    fact: str,
    lesson: str,
    fidelity: str | Message | None = None,
    duration_ms: float = ACCESS_MS,
    body: bytes | None = None,
    detail_msgs: dict[str, Message] | None = None,
) -> Step:
    """Refuse the request with a gateway response and return the reject step."""
    body = capital_message(message) if capital else body
    ctx.error = GatewayError(
        response_type=response_type,
        status=status,
        message=message,
        headers=headers,
        body=body,
        log=str(reason),
    )
    outcome = Outcome.ERROR if (status or 0) >= 500 else Outcome.REJECT
    return record(
        ctx,
        stage,
        outcome,
        title,
        reason,
        detail=detail or {},
        duration_ms=duration_ms,
        fact=fact,
        lesson=lesson,
        fidelity=fidelity,
        detail_msgs=detail_msgs,
    )
