"""What one WebSocket event did (§9): its trace, the reply to the sender and the socket actions."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..context import Context
from ..messages import Response
from ..trace import Trace
from .connections import CloseCommand, ManageResult, Push
from .event import WsEvent
from .limits import Close
from .steps import post_step

Actions = tuple[Push | CloseCommand, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class EventOutcome:
    """What one WebSocket event did: its trace, and what the front end must do on the socket."""

    trace: Trace
    accepted: bool = True  # $connect: upgrade accepted; message: handled without error
    status: int = 200
    reply: bytes | None = None  # sent back to this client (route response or error message)
    close: Close | None = None  # close this client's socket
    actions: Actions = ()  # @connections pushes/closes to deliver


def event_trace(ctx: Context, event: WsEvent, *, api_id: str, stage: str) -> Trace:
    """Return the trace of ``event`` after its pipeline ran (or was cut short) on ``ctx``."""
    meta = {
        "api_id": api_id,
        "stage": stage,
        "event": event.kind,
        "connection_id": event.connection["connectionId"],
        "route_key": ctx.match.route_key if ctx.match else None,
        "t_ms": round(ctx.arrival_ms - ctx.origin_ms, 3),
    }
    return Trace(
        steps=tuple(event.steps),
        response=ctx.response or Response(status=200),
        request_id=ctx.request_id,
        meta=meta,
    )


def reply_of(ctx: Context, connection_id: str) -> bytes | None:
    """Return what goes back to the sender: an error message, a two-way route's response, or nothing."""
    response = ctx.response
    if ctx.error is not None:
        try:
            sent = json.loads(response.body or b"{}") if response else {}
        except ValueError:
            sent = {}
        if isinstance(sent, dict) and "connectionId" in sent and response is not None:
            return response.body  # already the frame AWS sends (an unroutable message: ids left empty, §9)
        message = sent.get("message") if isinstance(sent, dict) else None
        return error_body(message or "Internal server error", connection_id, ctx.request_id)
    two_way = ctx.match is not None and ctx.match.method.raw.get("routeResponseSelectionExpression")
    if two_way and response is not None and response.body:
        return response.body
    return None


def error_body(message: str, connection_id: str, request_id: str) -> bytes:
    """Return the JSON error message API Gateway sends back on the socket."""
    return json.dumps({"message": message, "connectionId": connection_id, "requestId": request_id}).encode()


def post_outcome(
    result: ManageResult, actions: Actions, *, connection_id: str, t_ms: float, api_id: str, stage: str
) -> EventOutcome:
    """Return the outcome of a backend's ``POST @connections/{id}``: one step, the callback's answer."""
    step = post_step(result, actions, connection_id=connection_id, t_ms=t_ms)
    meta = {"api_id": api_id, "stage": stage, "event": "POST", "t_ms": step.t_ms}
    trace = Trace(
        steps=(step,),
        response=Response.build(result.status, headers=result.headers, body=result.body),
        meta={**meta, "connection_id": connection_id, "route_key": None},
    )
    return EventOutcome(trace=trace, accepted=result.status == 200, status=result.status, actions=actions)
