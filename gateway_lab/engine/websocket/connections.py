"""The connection registry and the ``@connections`` callback API (GATEWAY_FACTS.md §9, §5.1).

Connections live in the engine Store under ``conn:{api}:{stage}:{id}`` as JSON, so with a shared
Store (Redis) every server process sees every connection. The callback API decides what
``POST|GET|DELETE /@connections/{id}`` answer; it never touches a socket itself: pushes and closes
go to an outbox that the front end delivers. Each record keeps the front end's delivery address
(``channel``: a Channels channel name live, empty in simulations), so a push names its destination
and the front end sends it straight there, with no lookup and no per-connection group.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..clock import Clock
from ..speedups import fast_constructor
from ..state import Store
from .limits import CLOSE_NORMAL, WebSocketLimits, check_timeouts


@dataclass(frozen=True, slots=True, kw_only=True)
class Connection:
    connection_id: str
    connected_at_ms: float
    last_active_ms: float
    source_ip: str
    user_agent: str = ""
    messages: int = 0
    authorizer: dict[str, Any] | None = None  # what $connect's authorizer returned; every later event gets it
    channel: str = ""  # the front end's delivery address for this client (opaque to the engine)


@dataclass(frozen=True, slots=True, kw_only=True)
class Push:
    connection_id: str
    data: bytes
    channel: str = ""  # where the front end delivers it (the connection's ``channel``)


@dataclass(frozen=True, slots=True, kw_only=True)
class CloseCommand:
    connection_id: str
    code: int = CLOSE_NORMAL
    reason: str = ""
    channel: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ManageResult:
    """An ``@connections`` answer: status, headers, JSON body, and what the front end must deliver."""

    status: int
    body: bytes = b""
    error_type: str | None = None  # x-amzn-ErrorType
    action: Push | CloseCommand | None = None

    @property
    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"} if self.body else {}
        return {**headers, **({"x-amzn-ErrorType": self.error_type} if self.error_type else {})}


# Connection(...), Push(...) and ManageResult(...) once per connection of a fan-out (see speedups).
_make_connection = fast_constructor(Connection)
_make_push = fast_constructor(Push)
_make_result = fast_constructor(ManageResult)


def iso_ms(epoch_ms: float) -> str:
    """Format epoch ms as the ISO 8601 timestamps ``GetConnection`` returns."""
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class ConnectionRegistry:
    """Open, read, touch and close connections of one API stage in a Store."""

    def __init__(self, store: Store, *, api_id: str, stage: str, limits: WebSocketLimits) -> None:
        self.store, self.limits = store, limits
        self.prefix = f"conn:{api_id}:{stage}:"

    def key(self, connection_id: str) -> str:
        return self.prefix + connection_id

    def _save(self, connection: Connection, now_ms: float) -> None:
        # The entry expires with the connection's maximum duration, so crashed servers leave nothing behind.
        ttl = connection.connected_at_ms + self.limits.max_connection_ms - now_ms
        self.store.put(self.key(connection.connection_id), asdict(connection), ttl_ms=max(ttl, 1.0))

    def open(
        self,
        connection_id: str,
        *,
        now_ms: float,
        source_ip: str,
        user_agent: str = "",
        authorizer: Mapping[str, Any] | None = None,
        channel: str = "",
    ) -> Connection:
        connection = Connection(
            connection_id=connection_id,
            connected_at_ms=now_ms,
            last_active_ms=now_ms,
            source_ip=source_ip,
            user_agent=user_agent,
            authorizer=None if authorizer is None else json.loads(json.dumps(authorizer, default=str)),
            channel=channel,
        )
        self._save(connection, now_ms)
        return connection

    def get(self, connection_id: str, *, now_ms: float) -> Connection | None:
        """Return the live connection, or None when it is unknown, closed or timed out."""
        return self._live(self.store.get(self.key(connection_id)), now_ms=now_ms)

    def get_many(self, connection_ids: Iterable[str], *, now_ms: float) -> dict[str, Connection | None]:
        """Return each connection (None when gone), in one read when the Store offers ``get_many``."""
        ids = list(connection_ids)
        get_many = getattr(self.store, "get_many", None)  # optional Store extension (Redis: one MGET)
        raws = (
            get_many([self.key(i) for i in ids]) if get_many else [self.store.get(self.key(i)) for i in ids]
        )
        return {i: self._live(raw, now_ms=now_ms) for i, raw in zip(ids, raws, strict=True)}

    def _live(self, raw: dict[str, Any] | None, *, now_ms: float) -> Connection | None:
        if raw is None:
            return None
        if check_timeouts(
            connected_at_ms=raw["connected_at_ms"],
            last_active_ms=raw["last_active_ms"],
            now_ms=now_ms,
            limits=self.limits,
        ):
            return None
        return _make_connection(**raw)

    def touch(self, connection_id: str, *, now_ms: float) -> Connection | None:
        """Record a client message: ``lastActiveAt`` moves and the idle timer restarts."""
        connection = self.get(connection_id, now_ms=now_ms)
        if connection is None:
            return None
        raw = {**asdict(connection), "last_active_ms": now_ms, "messages": connection.messages + 1}
        updated = Connection(**raw)
        self._save(updated, now_ms)
        return updated

    def close(self, connection_id: str) -> bool:
        return self.store.delete(self.key(connection_id))

    def list(self, *, now_ms: float) -> list[Connection]:
        found = (
            self.get(key.removeprefix(self.prefix), now_ms=now_ms) for key in self.store.keys(self.prefix)
        )
        return sorted((c for c in found if c is not None), key=lambda c: c.connected_at_ms)


def _error(status: int, error_type: str, message: str | None) -> ManageResult:
    return ManageResult(status=status, error_type=error_type, body=json.dumps({"message": message}).encode())


class ConnectionsApi:
    """The callback API's semantics: PostToConnection, GetConnection, DeleteConnection."""

    def __init__(self, registry: ConnectionRegistry, clock: Clock) -> None:
        self.registry, self.clock = registry, clock
        self.outbox: list[Push | CloseCommand] = []
        self._read: dict[str, Connection | None] = {}  # records prefetched for this event's fan-out

    def prefetch(self, connection_ids: Iterable[str]) -> None:
        """Read these connections at once; the next ``post`` to each uses that read.

        A fan-out (scan a table, post to every id) would otherwise read the registry once per id:
        1,000 round trips on Redis. Each prefetched record serves one post, so later calls read afresh.
        """
        self._read.update(self.registry.get_many(connection_ids, now_ms=self.clock.now_ms()))

    def _connection(self, connection_id: str) -> Connection | None:
        if connection_id in self._read:
            return self._read.pop(connection_id)
        return self.registry.get(connection_id, now_ms=self.clock.now_ms())

    def post(self, connection_id: str, data: bytes | str) -> ManageResult:
        payload = data.encode("utf-8") if isinstance(data, str) else data
        if len(payload) > self.registry.limits.max_message_bytes:  # §9: PayloadTooLargeException
            return _error(413, "PayloadTooLargeException", "Request too large")
        connection = self._connection(connection_id)
        if connection is None:
            return _error(410, "GoneException", None)  # §9: the id no longer exists
        push = _make_push(connection_id, payload, connection.channel)
        self.outbox.append(push)
        return _make_result(200, b"", None, push)

    def get(self, connection_id: str) -> ManageResult:
        connection = self.registry.get(connection_id, now_ms=self.clock.now_ms())
        if connection is None:
            return _error(410, "GoneException", None)
        body = {
            "connectedAt": iso_ms(connection.connected_at_ms),
            "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent},
            "lastActiveAt": iso_ms(connection.last_active_ms),
        }
        return ManageResult(status=200, body=json.dumps(body).encode())

    def delete(self, connection_id: str) -> ManageResult:
        self._read.pop(connection_id, None)
        connection = self.registry.get(connection_id, now_ms=self.clock.now_ms())
        if connection is None:
            return _error(410, "GoneException", None)
        self.registry.close(connection_id)
        close = CloseCommand(
            connection_id=connection_id,
            code=CLOSE_NORMAL,
            reason="Connection deleted",
            channel=connection.channel,
        )
        self.outbox.append(close)
        return ManageResult(status=204, action=close)

    def handle(self, method: str, connection_id: str, data: bytes = b"") -> ManageResult:
        """Answer one ``@connections`` HTTP call."""
        handlers = {
            "POST": lambda: self.post(connection_id, data),
            "GET": lambda: self.get(connection_id),
            "DELETE": lambda: self.delete(connection_id),
        }
        run = handlers.get(method.upper())
        return run() if run else _error(405, "MethodNotAllowedException", "Method Not Allowed")


@dataclass(slots=True)
class ConnectionTable:
    """A set of connection ids in the Store, like the DynamoDB table of AWS's sample chat app."""

    store: Store
    prefix: str
    ttl_ms: float = field(default=float(2 * 60 * 60 * 1000))
    on_scan: Callable[[list[str]], None] | None = None  # told the ids a scan returns (to prefetch them)

    def put(self, connection_id: str) -> None:
        self.store.put(self.prefix + connection_id, 1, ttl_ms=self.ttl_ms)

    def delete(self, connection_id: str) -> None:
        self.store.delete(self.prefix + connection_id)

    def scan(self) -> list[str]:
        ids = sorted(key.removeprefix(self.prefix) for key in self.store.keys(self.prefix))
        if self.on_scan is not None:
            self.on_scan(ids)
        return ids


@dataclass(frozen=True, slots=True, kw_only=True)
class CallbackContext:
    """What a WebSocket handler may reach while it runs: the callback API and connection tables."""

    api: ConnectionsApi
    store: Store
    table_prefix: str

    def table(self, name: str) -> ConnectionTable:
        return ConnectionTable(
            self.store,
            f"{self.table_prefix}{name}:",
            self.api.registry.limits.max_connection_ms,
            on_scan=self.api.prefetch,
        )


_bound: contextvars.ContextVar[CallbackContext | None] = contextvars.ContextVar("ws_callbacks", default=None)


def bind(context: CallbackContext) -> contextvars.Token[CallbackContext | None]:
    """Make ``context`` reachable from handler code (the lab runtime copies context into its threads)."""
    return _bound.set(context)


def unbind(token: contextvars.Token[CallbackContext | None]) -> None:
    _bound.reset(token)


def current_callbacks() -> CallbackContext:
    """Return the callback context of the running WebSocket event."""
    context = _bound.get()
    if context is None:
        raise RuntimeError("No WebSocket event is running: the @connections client exists only inside one")
    return context


def as_json(value: Any) -> dict[str, Any]:
    """JSON-safe view of a Push/CloseCommand for traces."""
    if isinstance(value, Push):
        return {"push": value.connection_id, "bytes": len(value.data)}
    return {"close": value.connection_id, "code": value.code, "reason": value.reason}
