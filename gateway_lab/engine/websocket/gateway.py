"""One WebSocket API stage: $connect, messages and $disconnect through the engine's stages (§9).

Each event runs through the engine's ``Pipeline`` (one per event kind, sharing one id generator):
routing, auth and API keys on $connect, throttling, the integration, the response. The request
method names the event (``CONNECT``/``MESSAGE``/``DISCONNECT``, the routing stage's convention) and
the seeded ``facts["connection"]`` carries what the integration puts in ``requestContext``. What the client
sees (the upgrade's status, a route response, an error message, a close) is decided here.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..access import AccessDirectory, load_access
from ..clock import Clock
from ..context import AccountSettings, Context
from ..messages import Client, Request, Response
from ..model import Deployment, Stage
from ..pipeline import Pipeline, build_pipeline
from ..state import Store
from ..trace import Outcome, StageName, Step, Trace
from .connections import (
    CallbackContext,
    CloseCommand,
    ConnectionRegistry,
    ConnectionsApi,
    Push,
    as_json,
    bind,
    unbind,
)
from .limits import RATE_FIDELITY, Close, WebSocketLimits, check_inbound, check_timeouts, take_message_token
from .manage_auth import ManageAuthorization, authorize_management, connections_arn

S = StageName
CONNECT_STAGES = (S.ENDPOINT, S.ROUTING, S.AUTH, S.API_KEY, S.THROTTLE, S.INTEGRATION, S.RESPONSE)
MESSAGE_STAGES = (S.ROUTING, S.THROTTLE, S.INTEGRATION, S.RESPONSE)
DISCONNECT_STAGES = (S.ROUTING, S.INTEGRATION, S.RESPONSE)


@dataclass(frozen=True, slots=True, kw_only=True)
class EventOutcome:
    """What one WebSocket event did: its trace, and what the front end must do on the socket."""

    trace: Trace
    accepted: bool = True  # $connect: upgrade accepted; message: handled without error
    status: int = 200
    reply: bytes | None = None  # sent back to this client (route response or error message)
    close: Close | None = None  # close this client's socket
    actions: tuple[Push | CloseCommand, ...] = ()  # @connections pushes/closes to deliver


@dataclass(slots=True)
class _Event:
    kind: str  # CONNECT | MESSAGE | DISCONNECT
    request: Request
    connection: dict[str, Any]
    authorizer: Mapping[str, Any] | None = None
    steps: list[Step] = field(default_factory=list)


class WebSocketGateway:
    """Run WebSocket events for one deployed API stage over a Store and a Clock."""

    def __init__(
        self,
        *,
        deployment: Deployment,
        stage: Stage,
        store: Store,
        clock: Clock,
        runtime: Any,
        account: AccountSettings | None = None,
        seed: int = 0,
        limits: WebSocketLimits | None = None,
        origin_ms: float | None = None,
    ) -> None:
        self.deployment, self.stage, self.store, self.clock, self.runtime = (
            deployment,
            stage,
            store,
            clock,
            runtime,
        )
        self.account = account or AccountSettings()
        self.limits = limits or WebSocketLimits.from_stage(stage.raw)
        self.registry = ConnectionRegistry(
            store, api_id=deployment.api.id, stage=stage.name, limits=self.limits
        )
        self._rng = random.Random(f"messageId:{seed}")  # apart from the pipeline's request-id generator
        self._access_directory: AccessDirectory | None = None
        connect = build_pipeline(
            api=deployment,
            stage=stage,
            clock=clock,
            store=store,
            runtime=runtime,
            account=self.account,
            seed=seed,
            origin_ms=origin_ms,
            stage_order=CONNECT_STAGES,
        )
        self._pipelines: dict[tuple[StageName, ...], Pipeline] = {
            CONNECT_STAGES: connect,
            MESSAGE_STAGES: connect.with_stages(MESSAGE_STAGES),
            DISCONNECT_STAGES: connect.with_stages(DISCONNECT_STAGES),
        }

    @property
    def domain_name(self) -> str:
        api = self.deployment.api
        return f"{api.id}.execute-api.{api.region}.amazonaws.com"

    def connections_api(self) -> ConnectionsApi:
        """Return the ``@connections`` callback API of this stage."""
        return ConnectionsApi(self.registry, self.clock)

    def authorize_management(
        self, request: Request, *, connection_id: str, raw_path: str
    ) -> ManageAuthorization:
        """Check a SigV4-signed ``@connections`` call against the API's lab IAM users (§7.1, §9)."""
        api = self.deployment.api
        resource = connections_arn(
            region=api.region,
            account_id=self.account.account_id,
            api_id=api.id,
            stage=self.stage.name,
            method=request.method,
            connection_id=connection_id,
        )
        return authorize_management(
            request,
            credentials=self._access().credentials,
            resource_arn=resource,
            region=api.region,
            now_ms=self.clock.now_ms(),
            raw_path=raw_path,
        )

    def _access(self) -> AccessDirectory:
        # Loaded once per gateway (one deployed API stage): user pools generate RSA keys.
        if self._access_directory is None:
            api = self.deployment.api
            self._access_directory = load_access(
                api.raw.get("labAccess"), account_id=self.account.account_id, region=api.region
            )
        return self._access_directory

    # Events ---------------------------------------------------------------------------------
    def connect(self, request: Request, *, connection_id: str, channel: str = "") -> EventOutcome:
        """Run $connect; the connection exists only when the result is accepted (2xx).

        ``channel`` is the front end's delivery address for this client; pushes to it carry it.
        """
        now = self.clock.now_ms()
        request = replace(request, method="CONNECT", time_ms=now)
        event = _Event(
            "CONNECT", request, {"connectionId": connection_id, "connectedAt": now, "eventType": "CONNECT"}
        )
        ctx, actions = self._run(event, CONNECT_STAGES)
        status = ctx.response.status if ctx.response else 500
        accepted = 200 <= status < 300
        if accepted:
            user_agent = request.headers.get("User-Agent", request.client.user_agent)
            self.registry.open(
                connection_id,
                now_ms=now,
                source_ip=request.client.source_ip,
                user_agent=user_agent,
                authorizer=ctx.authorizer,
                channel=channel,
            )
        delivery = "accepted: the upgrade completes" if accepted else "refused: no connection is created"
        event.steps.append(self._delivery(ctx, f"$connect {status}: {delivery}", actions, reply=None))
        return EventOutcome(trace=self._trace(ctx, event), accepted=accepted, status=status, actions=actions)

    def message(
        self, connection_id: str, data: bytes | str, *, frames: Sequence[int] | None = None
    ) -> EventOutcome:
        """Run one client message: limits, route selection, integration, route response."""
        now = self.clock.now_ms()
        connection = self.registry.get(connection_id, now_ms=now)
        client = Client(
            source_ip=connection.source_ip if connection else "",
            user_agent=connection.user_agent if connection else "",
        )
        body = data if isinstance(data, bytes) else data.encode("utf-8")
        request = Request(method="MESSAGE", path="/", body=body, client=client, time_ms=now)
        message_id = base64.b64encode(self._rng.getrandbits(64).to_bytes(8, "big")).decode()
        event = _Event(
            "MESSAGE",
            request,
            {
                "connectionId": connection_id,
                "eventType": "MESSAGE",
                "messageId": message_id,
                "connectedAt": connection.connected_at_ms if connection else now,
            },
            authorizer=connection.authorizer if connection else None,
        )
        ctx = self._start(event, MESSAGE_STAGES)
        refusal = self._admit(ctx, event, data, frames)
        if refusal is not None:
            return refusal
        self.registry.touch(connection_id, now_ms=now)
        ctx, actions = self._run(event, MESSAGE_STAGES, ctx=ctx)
        reply = self._reply(ctx, connection_id)
        event.steps.append(self._delivery(ctx, "Message handled", actions, reply=reply))
        return EventOutcome(
            trace=self._trace(ctx, event),
            accepted=ctx.error is None,
            status=ctx.response.status if ctx.response else 500,
            reply=reply,
            actions=actions,
        )

    def disconnect(self, connection_id: str, *, code: int = 1001, reason: str = "") -> EventOutcome:
        """Run $disconnect (best effort: the socket is already gone) and forget the connection."""
        now = self.clock.now_ms()
        connection = self.registry.get(connection_id, now_ms=now)
        self.registry.close(connection_id)
        client = Client(
            source_ip=connection.source_ip if connection else "",
            user_agent=connection.user_agent if connection else "",
        )
        request = Request(method="DISCONNECT", path="/", client=client, time_ms=now)
        event = _Event(
            "DISCONNECT",
            request,
            {
                "connectionId": connection_id,
                "eventType": "DISCONNECT",
                "connectedAt": connection.connected_at_ms if connection else now,
                "disconnectStatusCode": code,
                "disconnectReason": reason,
            },
            authorizer=connection.authorizer if connection else None,
        )
        ctx, actions = self._run(event, DISCONNECT_STAGES)
        event.steps.append(self._delivery(ctx, f"Disconnected ({code})", actions, reply=None))
        return EventOutcome(
            trace=self._trace(ctx, event),
            status=ctx.response.status if ctx.response else 200,
            actions=actions,
        )

    def post(self, connection_id: str, data: bytes | str) -> EventOutcome:
        """Run a backend's ``POST @connections/{id}`` (§9): push to a live connection, else 410 Gone."""
        api = self.connections_api()
        result = api.post(connection_id, data)
        actions = tuple(api.outbox)
        pushed = [a for a in actions if isinstance(a, Push)]
        title = f"POST @connections → {result.status}" + (
            f" {result.error_type}" if result.error_type else ""
        )
        reason = (
            f"The callback API pushes {len(pushed[0].data)} bytes to connection {connection_id}."
            if pushed
            else f"The callback API answers {result.status} {result.error_type}: nothing is delivered."
        )
        step = Step(
            stage=S.RESPONSE,
            outcome=Outcome.PASS if result.status == 200 else Outcome.REJECT,
            title=title,
            reason=reason,
            detail={
                "actions": [as_json(a) for a in actions],
                "status": result.status,
                "error": result.error_type,
            },
            t_ms=self.clock.now_ms() - self._pipelines[CONNECT_STAGES].origin_ms,
            fact="9",
            lesson="websocket#connections",
        )
        meta = {
            "api_id": self.deployment.api.id,
            "stage": self.stage.name,
            "event": "POST",
            "t_ms": step.t_ms,
        }
        trace = Trace(
            steps=(step,),
            response=Response.build(result.status, headers=result.headers, body=result.body),
            meta={**meta, "connection_id": connection_id, "route_key": None},
        )
        return EventOutcome(trace=trace, accepted=result.status == 200, status=result.status, actions=actions)

    def timeout_due(self, connection_id: str) -> Close | None:
        """Return the close due now for idleness or maximum duration (None while the connection may live)."""
        raw = self.store.get(self.registry.key(connection_id))
        if raw is None:
            return None
        return check_timeouts(
            connected_at_ms=raw["connected_at_ms"],
            last_active_ms=raw["last_active_ms"],
            now_ms=self.clock.now_ms(),
            limits=self.limits,
        )

    # Internals ------------------------------------------------------------------------------
    def _start(self, event: _Event, order: tuple[StageName, ...]) -> Context:
        ctx = self._pipelines[order].start(event.request, facts={"connection": event.connection})
        ctx.authorizer = event.authorizer  # $connect's authorizer result goes with every later event (§9)
        return ctx

    def _run(
        self, event: _Event, order: tuple[StageName, ...], *, ctx: Context | None = None
    ) -> tuple[Context, tuple]:
        ctx = ctx or self._start(event, order)
        api = self.connections_api()
        token = bind(
            CallbackContext(
                api=api, store=self.store, table_prefix=f"table:{self.deployment.api.id}:{self.stage.name}:"
            )
        )
        try:
            event.steps.extend(self._pipelines[order].steps(ctx))
        finally:
            unbind(token)
        return ctx, tuple(api.outbox)

    def _admit(
        self, ctx: Context, event: _Event, data: bytes | str, frames: Sequence[int] | None
    ) -> EventOutcome | None:
        """Apply the frame rules and the per-connection rate; return the refusal, or None to go on."""
        close = check_inbound(data, limits=self.limits, frames=frames)
        if close is not None:
            event.steps.append(
                Step(
                    stage=S.ENDPOINT,
                    outcome=Outcome.REJECT,
                    title=f"Closed with {close.code}",
                    reason=f"{close.reason}: API Gateway closes the connection with code {close.code}.",
                    detail={"close_code": close.code, "bytes": len(data)},
                    t_ms=ctx.t_ms,
                    fact="5.1",
                    lesson="websocket#limits",
                )
            )
            return self._refused(ctx, event, close=close)
        took = take_message_token(
            self.store,
            self.registry.key(event.connection["connectionId"]),
            now_ms=ctx.now_ms,
            limits=self.limits,
        )
        if took.admitted:
            return None
        event.steps.append(
            Step(
                stage=S.THROTTLE,
                outcome=Outcome.REJECT,
                title="Connection message rate exceeded",
                reason=f"This connection may send {self.limits.message_rate:g} messages/s with a burst of "
                f"{self.limits.message_burst}; the message is dropped with 429.",
                detail={"tokens_before": round(took.tokens_before, 3)},
                t_ms=ctx.t_ms,
                fact="3.2",
                lesson="websocket#limits",
                fidelity=RATE_FIDELITY,
            )
        )
        reply = self._error_body("Too Many Requests", event.connection["connectionId"], ctx.request_id)
        return self._refused(ctx, event, reply=reply, status=429)

    def _refused(
        self,
        ctx: Context,
        event: _Event,
        *,
        close: Close | None = None,
        reply: bytes | None = None,
        status: int = 400,
    ) -> EventOutcome:
        ctx.response = Response.build(status, body=reply or b"")
        return EventOutcome(
            trace=self._trace(ctx, event), accepted=False, status=status, reply=reply, close=close
        )

    def _reply(self, ctx: Context, connection_id: str) -> bytes | None:
        """Return what goes back to the sender: an error message, a two-way route's response, or nothing."""
        response = ctx.response
        if ctx.error is not None:
            try:
                message = json.loads(response.body or b"{}").get("message") if response else None
            except (ValueError, AttributeError):
                message = None
            return self._error_body(message or "Internal server error", connection_id, ctx.request_id)
        two_way = ctx.match is not None and ctx.match.method.raw.get("routeResponseSelectionExpression")
        if two_way and response is not None and response.body:
            return response.body
        return None

    @staticmethod
    def _error_body(message: str, connection_id: str, request_id: str) -> bytes:
        return json.dumps(
            {"message": message, "connectionId": connection_id, "requestId": request_id}
        ).encode()

    def _delivery(self, ctx: Context, title: str, actions: tuple, *, reply: bytes | None) -> Step:
        pushes = [a for a in actions if isinstance(a, Push)]
        parts = [
            f"{len(pushes)} push(es) through @connections" if pushes else "no @connections push",
            f"a {len(reply)}-byte reply to the sender" if reply else "no reply to the sender",
        ]
        return Step(
            stage=S.RESPONSE,
            outcome=Outcome.PASS if ctx.error is None else Outcome.ERROR,
            title=title,
            reason="Delivered: " + ", ".join(parts) + ".",
            t_ms=ctx.t_ms,
            fact="9",
            lesson="websocket#connections",
            detail={"actions": [as_json(a) for a in actions], "reply_bytes": len(reply or b"")},
        )

    def _trace(self, ctx: Context, event: _Event) -> Trace:
        meta = {
            "api_id": self.deployment.api.id,
            "stage": self.stage.name,
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
