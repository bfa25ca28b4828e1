"""One WebSocket API stage: $connect, messages and $disconnect through the engine's stages (§9).

Each event runs through the engine's ``Pipeline`` (one per event kind, sharing one id generator):
routing, auth and API keys on $connect, throttling, the integration, the response. The request
method names the event (``CONNECT``/``MESSAGE``/``DISCONNECT``, the routing stage's convention) and
the seeded ``facts["connection"]`` carries what the integration puts in ``requestContext``. What the client
sees (the upgrade's status, a route response, an error message, a close) is decided here.

Events and their pipelines are built in ``event``, a message's frame and rate checks run in
``admission``, the closing steps in ``steps``, traces and replies in ``outcome``; this module wires
them to the connection registry and the ``@connections`` callback API.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Sequence

from ..access.directory import EMPTY, AccessDirectory, deployment_access
from ..access.manage_auth import ManageAuthorization, authorize_management, connections_arn
from ..clock import Clock
from ..context import AccountSettings, Context
from ..integrations.types import Runtime
from ..messages import Request, Response
from ..model import Deployment, Stage
from ..pipeline import Pipeline
from ..state import Store
from ..text import Text
from ..trace import StageName, Trace
from .admission import admit
from .connections import CallbackContext, ConnectionRegistry, ConnectionsApi, bind, unbind
from .event import (
    CONNECT_STAGES,
    DISCONNECT_STAGES,
    MESSAGE_STAGES,
    WsEvent,
    connect_event,
    disconnect_event,
    event_pipelines,
    message_event,
)
from .limits import Close, WebSocketLimits, check_timeouts
from .outcome import Actions, EventOutcome, event_trace, post_outcome, reply_of
from .steps import delivery_step

CONNECT_ACCEPTED = Text("$connect {status}: accepted: the upgrade completes")
CONNECT_REFUSED = Text("$connect {status}: refused: no connection is created")
MESSAGE_HANDLED = Text("Message handled")
DISCONNECTED = Text("Disconnected ({code})")

__all__ = ["CONNECT_STAGES", "DISCONNECT_STAGES", "MESSAGE_STAGES", "EventOutcome", "WebSocketGateway"]


class WebSocketGateway:
    """Run WebSocket events for one deployed API stage over a Store and a Clock."""

    def __init__(
        self,
        *,
        deployment: Deployment,
        stage: Stage,
        store: Store,
        clock: Clock,
        runtime: Runtime,
        account: AccountSettings | None = None,
        seed: int = 0,
        limits: WebSocketLimits | None = None,
        origin_ms: float | None = None,
    ) -> None:
        self.deployment, self.stage, self.store, self.clock = deployment, stage, store, clock
        self.runtime = runtime
        self.account = account or AccountSettings()
        self.limits = limits or WebSocketLimits.from_stage(stage.raw)
        self.registry = ConnectionRegistry(
            store, api_id=deployment.api.id, stage=stage.name, limits=self.limits
        )
        self._rng = random.Random(f"messageId:{seed}")  # apart from the pipeline's request-id generator
        self._pipelines: dict[tuple[StageName, ...], Pipeline] = event_pipelines(
            api=deployment,
            stage=stage,
            clock=clock,
            store=store,
            runtime=runtime,
            account=self.account,
            seed=seed,
            origin_ms=origin_ms,
        )

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
        """The account's directory this API's pipelines use too (one per deployed snapshot: user pools
        generate RSA keys, so $connect and @connections must see the same ones)."""
        api = self.deployment.api
        raw = api.raw.get("labAccess")
        if not raw:
            return EMPTY
        return deployment_access(self.deployment).directory(
            raw, account_id=self.account.account_id, region=api.region
        )

    # Events ---------------------------------------------------------------------------------
    def connect(self, request: Request, *, connection_id: str, channel: str = "") -> EventOutcome:
        """Run $connect; the connection exists only when the result is accepted (2xx).

        ``channel`` is the front end's delivery address for this client; pushes to it carry it.
        """
        now = self.clock.now_ms()
        event = connect_event(request, connection_id=connection_id, now_ms=now)
        request = event.request
        ctx, actions = self._run(event, CONNECT_STAGES)
        status = ctx.response.status if ctx.response else 500
        accepted = 200 <= status < 300
        if accepted:
            header = request.headers.get("User-Agent")
            user_agent = request.client.user_agent if header is None else header
            self.registry.open(
                connection_id,
                now_ms=now,
                source_ip=request.client.source_ip,
                user_agent=user_agent,
                authorizer=ctx.authorizer,
                channel=channel,
            )
        title = (CONNECT_ACCEPTED if accepted else CONNECT_REFUSED)(status=str(status))
        event.steps.append(delivery_step(ctx, title, actions, reply=None))
        return EventOutcome(trace=self._trace(ctx, event), accepted=accepted, status=status, actions=actions)

    def message(
        self, connection_id: str, data: bytes | str, *, frames: Sequence[int] | None = None
    ) -> EventOutcome:
        """Run one client message: limits, route selection, integration, route response."""
        now = self.clock.now_ms()
        connection = self.registry.get(connection_id, now_ms=now)
        body = data if isinstance(data, bytes) else data.encode("utf-8")
        # 11 random bytes → 16 characters, like AWS's messageId ("R1knPc2ntjMCFIA=", §9)
        message_id = base64.b64encode(self._rng.getrandbits(88).to_bytes(11, "big")).decode()
        event = message_event(
            connection, connection_id=connection_id, body=body, message_id=message_id, now_ms=now
        )
        ctx = self._start(event, MESSAGE_STAGES)
        refusal = self._admit(ctx, event, data, frames)
        if refusal is not None:
            return refusal
        self.registry.touch(connection_id, now_ms=now)
        ctx, actions = self._run(event, MESSAGE_STAGES, ctx=ctx)
        reply = reply_of(ctx, connection_id)
        event.steps.append(delivery_step(ctx, MESSAGE_HANDLED(), actions, reply=reply))
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
        event = disconnect_event(
            connection, connection_id=connection_id, code=code, reason=reason, now_ms=now
        )
        ctx, actions = self._run(event, DISCONNECT_STAGES)
        event.steps.append(delivery_step(ctx, DISCONNECTED(code=str(code)), actions, reply=None))
        return EventOutcome(
            trace=self._trace(ctx, event),
            status=ctx.response.status if ctx.response else 200,
            actions=actions,
        )

    def post(self, connection_id: str, data: bytes | str) -> EventOutcome:
        """Run a backend's ``POST @connections/{id}`` (§9): push to a live connection, else 410 Gone."""
        api = self.connections_api()
        result = api.post(connection_id, data)
        t_ms = self.clock.now_ms() - self._pipelines[CONNECT_STAGES].origin_ms
        return post_outcome(
            result,
            tuple(api.outbox),
            connection_id=connection_id,
            t_ms=t_ms,
            api_id=self.deployment.api.id,
            stage=self.stage.name,
        )

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
    def _start(self, event: WsEvent, order: tuple[StageName, ...]) -> Context:
        ctx = self._pipelines[order].start(event.request, facts={"connection": event.connection})
        ctx.authorizer = event.authorizer  # $connect's authorizer result goes with every later event (§9)
        return ctx

    def _run(
        self, event: WsEvent, order: tuple[StageName, ...], *, ctx: Context | None = None
    ) -> tuple[Context, Actions]:
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
        self, ctx: Context, event: WsEvent, data: bytes | str, frames: Sequence[int] | None
    ) -> EventOutcome | None:
        """Apply the frame rules and the per-connection rate; return the refusal, or None to go on."""
        key = self.registry.key(event.connection["connectionId"])
        refusal = admit(ctx, event, data, frames, store=self.store, connection_key=key, limits=self.limits)
        if refusal is None:
            return None
        ctx.response = Response.build(refusal.status, body=refusal.reply or b"")
        return EventOutcome(
            trace=self._trace(ctx, event),
            accepted=False,
            status=refusal.status,
            reply=refusal.reply,
            close=refusal.close,
        )

    def _trace(self, ctx: Context, event: WsEvent) -> Trace:
        return event_trace(ctx, event, api_id=self.deployment.api.id, stage=self.stage.name)
