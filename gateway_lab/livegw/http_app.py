"""The live gateway's HTTP side: ``/gw/<api-id>/<stage>/<path…>`` as a lean ASGI app beside Django.

Django pays a thread hop per request for its sync signals and middleware (TOOLCHAIN.md "Servers and
speed"); a gateway must not. This app parses the ASGI request itself, builds the engine request
(raw path and raw query string kept as sent: SigV4 signs them, HTTP APIs report ``rawQueryString``),
runs the pipeline on the system clock with the shared Store, and answers with the engine's response
and AWS's headers. A request runs on the event loop itself when nothing in its path can wait
(``Pipeline.may_block``: a lab function that only computes, a mock, the in-process Store) and its
API is already loaded; anything that may sleep or do I/O (your own handlers, HTTP integrations,
Redis, the database) runs in a bounded thread pool.

HTTP APIs serve their ``$default`` stage at the root, so ``/gw/demo-http/<path>`` reaches it too
(DESIGN.md). ``@connections`` stays in Django (``livegw/views.py``): ``asgi.py`` routes it there.
Every request is kept in the request log (``request_log``) with its redacted trace.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from gateway_lab.engine import (
    DEFAULT_ACCOUNT_ID,
    AccessDirectory,
    ApiType,
    Client,
    ConfigError,
    Deployment,
    Pipeline,
    Request,
    Response,
    Trace,
    api_type_of,
    build_pipeline,
    deploy,
    load_access,
)

from . import request_log
from .layers import OUTAGE_ERRORS
from .store import live_store

PREFIX = "/gw/"
MAX_BODY_BYTES = 10 * 1024 * 1024  # §5.1: 10 MB payload, not increasable
TOO_LARGE_BODY = b"HTTP content length exceeded 10485760 bytes."  # §5.3
INLINE_BODY_BYTES = 64 * 1024  # larger bodies go to the pool: encoding them would hold up the loop
RECHECK_S = 1.0  # how often a cached pipeline asks the database whether its definition changed
WORKERS = int(os.environ.get("GATEWAY_LAB_HTTP_WORKERS", "32"))
SERVABLE = frozenset({ApiType.REST, ApiType.HTTP})

logger = logging.getLogger(__name__)
_executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="livegw-http")


def _api_type(definition: dict[str, Any]) -> str:
    """The stored definition's type as the engine's loader reads it ("" for a type it refuses).

    ``builder.api_type`` does the same for pages; this module stays free of Django's ORM at import.
    """
    try:
        return str(api_type_of(definition))
    except ConfigError:
        return ""


def is_gateway_path(path: str) -> bool:
    """Return whether ``path`` is the HTTP side's (under ``/gw/`` and not an ``@connections`` call)."""
    if not path.startswith(PREFIX):
        return False
    parts = path.split("/", 5)  # ['', 'gw', api, stage, '@connections', id]
    return not (len(parts) > 4 and parts[4] == "@connections")


Found = tuple[dict[str, Any], list[dict[str, Any]], list[Any]]  # definition, stages, deployments
Resolved = tuple[Pipeline | None, str, str, str]  # pipeline or None, stage name, path after it, API type


@dataclass(slots=True)
class _Entry:
    version: Any  # the record's updated_at ("demo" for a built-in demo API)
    pipeline: Pipeline | None  # None: no such stage, or not an HTTP-servable API


@dataclass(slots=True)
class _Known:
    version: Any
    checked: float  # time.monotonic() of the last database check
    found: Found | None
    api_type: str  # the definition's type ("" for none or a type the engine refuses)


class PipelineCache:
    """Pipelines per (api, stage), rebuilt when the stored definition changes.

    A cached entry asks the database for the record's ``updated_at`` at most once per
    ``RECHECK_S`` seconds (another process may have saved it), one thread at a time: the others
    keep serving what they hold meanwhile. A save or delete in this process clears the API's
    entries at once (``post_save``/``post_delete``, see ``_connect_signals``).
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._apis: dict[str, _Known] = {}
        self._checking: set[str] = set()  # APIs a thread is checking in the database right now
        self._lock = threading.Lock()

    def invalidate(self, api_id: str | None = None) -> None:
        with self._lock:
            if api_id is None:
                self._entries.clear()
                self._apis.clear()
                return
            self._apis.pop(api_id, None)
            for key in [k for k in self._entries if k[0] == api_id]:
                del self._entries[key]

    def _claim(self, api_id: str) -> bool:
        """Make this thread the one that checks ``api_id`` in the database; False if another already is."""
        with self._lock:
            if api_id in self._checking:
                return False
            self._checking.add(api_id)
            return True

    def _api(self, api_id: str) -> _Known:
        """Return what is known of ``api_id``, checked in the database at most once a second."""
        known = self._apis.get(api_id)
        if known is None:  # nothing to serve meanwhile: every first request reads
            with self._lock:
                self._checking.add(api_id)
            return self._check(api_id, None)
        if time.monotonic() - known.checked < RECHECK_S or not self._claim(api_id):
            return known  # fresh, or another thread is checking: serve what is held
        return self._check(api_id, known)

    def _check(self, api_id: str, known: _Known | None) -> _Known:
        """Read ``api_id``'s record (this thread claimed the check) and keep what it says."""
        try:
            now = time.monotonic()
            version, found = _load(api_id, known.version if known else None)
            if found is None and known is not None and version == known.version:
                found = known.found
            fresh = _Known(version, now, found, _api_type(found[0]) if found else "")
            with self._lock:
                self._apis[api_id] = fresh
            return fresh
        finally:
            with self._lock:
                self._checking.discard(api_id)

    def _recheck(self, api_id: str, known: _Known) -> None:
        """A worker's check for the event loop; if the database fails, serve what is held for another second."""
        try:
            self._check(api_id, known)
        except Exception:  # noqa: BLE001 - nobody awaits this job: log it, back off, keep serving
            logger.warning(
                "live gateway: rechecking API %s failed; serving what is held", api_id, exc_info=True
            )
            with self._lock:
                if self._apis.get(api_id) is known:
                    self._apis[api_id] = replace(known, checked=time.monotonic())

    def resolve(self, api_id: str, rest: str) -> Resolved:
        """Return (pipeline or None, stage name, path after the stage, API type or "") for ``/gw/<api_id>/<rest>``."""
        known = self._api(api_id)
        if known.found is None:
            return None, "", "/" + rest, ""
        stage_name, path = _split(known.found[1], known.api_type, rest)
        entry = self._entries.get((api_id, stage_name))
        if entry is None or entry.version != known.version:
            entry = _Entry(known.version, _build(known.found, stage_name))
            with self._lock:
                self._entries[(api_id, stage_name)] = entry
        return entry.pipeline, stage_name, path, known.api_type

    def resolve_held(self, api_id: str, rest: str) -> Resolved | None:
        """``resolve`` from what this process holds, or None when that needs the database or a build.

        What the event loop may call: no query, no deploy. When a check is due it asks a worker
        thread for it and answers from what it holds meanwhile (at most a check's time older).
        """
        known = self._apis.get(api_id)
        if known is None or known.found is None:
            return None
        if time.monotonic() - known.checked >= RECHECK_S and self._claim(api_id):
            _executor.submit(self._recheck, api_id, known)
        stage_name, path = _split(known.found[1], known.api_type, rest)
        entry = self._entries.get((api_id, stage_name))
        if entry is None or entry.version != known.version:
            return None
        return entry.pipeline, stage_name, path, known.api_type


def _split(stages: list[dict[str, Any]], api_type: str, rest: str) -> tuple[str, str]:
    """Return (stage name, path after the stage) for ``rest`` (what follows the API id)."""
    names = [str(s.get("stageName", "")) for s in stages]
    first, slash, after = rest.partition("/")
    if first in names and first != "$default":
        return first, "/" + after
    if api_type == ApiType.HTTP and "$default" in names:
        return "$default", "/" + rest  # HTTP APIs serve $default at the root
    return first, "/" + after if slash else "/"


def _load(api_id: str, known_version: Any) -> tuple[Any, Found | None]:
    """Read the stored definition (or the built-in demo); skip loading JSON when ``updated_at`` is unchanged."""
    from django.db import close_old_connections

    from .builder import served_definitions
    from .demo_apis import DEMO_APIS
    from .models import ApiDefinitionRecord

    # A worker thread is not a Django request: close the connection around the read as the end of a
    # request would (CONN_MAX_AGE decides whether it is kept; broken ones are always dropped).
    close_old_connections()
    try:
        stamp = ApiDefinitionRecord.objects.filter(api_id=api_id).values_list("updated_at", flat=True).first()
        if stamp is None:
            demo = DEMO_APIS.get(api_id)
            return ("demo", None) if demo is None else ("demo", (demo[0], demo[1], []))
        if stamp == known_version:
            return stamp, None
        record = ApiDefinitionRecord.objects.filter(api_id=api_id).first()
        if record is None:
            return None, None
        return record.updated_at, (record.definition, record.stages, served_definitions(record))
    finally:
        close_old_connections()


def _build(found: Found, stage_name: str) -> Pipeline | None:
    from .lab_consumer import live_consumers
    from .services import CLOCK, live_runtime

    live_consumers()  # the lab queues' consumer runs from the first API this process serves

    definition, stages, deployments = found
    if _api_type(definition) not in SERVABLE:
        return None
    stage_json = next((s for s in stages if s.get("stageName") == stage_name), None)
    if stage_json is None:
        return None
    try:
        snapshots = [
            deploy(d["definition"], deployment_id=str(d["id"]))
            for d in deployments
            if isinstance(d, dict) and "definition" in d and "id" in d
        ]
        # The stage serves the deployment it points at (§8); the draft only when it points at none.
        served = next((d for d in snapshots if d.id == stage_json.get("deploymentId")), None)
        return build_pipeline(
            api=served or definition,
            stage=stage_json,
            clock=CLOCK,
            store=live_store(),
            runtime=live_runtime(),
            seed=secrets.randbits(64),
            deployments=snapshots,
            access=_account_access(definition, served),
        )
    except (ConfigError, ValueError, TypeError, KeyError):
        return None


def _account_access(draft: dict[str, Any], served: Deployment | None) -> AccessDirectory | None:
    """The served deployment's access directory with the draft's API keys and usage plans, if they differ.

    In AWS keys and plans are account resources, not part of a deployment: a new key, a disabled
    one or a new plan applies without a Deploy (§3.3), and so it does here. IAM users and user pools
    stay as deployed. None: the engine reads the served snapshot's own ``labAccess``.
    """
    if served is None:
        return None  # the stage serves the draft itself
    now = draft.get("labAccess") or {}
    deployed = served.api.raw.get("labAccess") or {}
    keys_and_plans = (now.get("apiKeys") or [], now.get("usagePlans") or [])
    if keys_and_plans == (deployed.get("apiKeys") or [], deployed.get("usagePlans") or []):
        return None
    merged = {**deployed, "apiKeys": keys_and_plans[0], "usagePlans": keys_and_plans[1]}
    return load_access(merged, account_id=DEFAULT_ACCOUNT_ID, region=served.api.region)


PIPELINES = PipelineCache()


def _json_error(status: int, message: str, error_type: str) -> Response:
    return Response.build(
        status,
        headers=[("Content-Type", "application/json"), ("x-amzn-ErrorType", error_type)],
        body=json.dumps({"message": message}),
    )


def handle(
    api_id: str, rest: str, method: str, raw_path: str, query: str, headers: list[tuple[str, str]],
    body: bytes, client_ip: str,
) -> tuple[Response, Trace | None]:  # fmt: skip
    """Run one request through the engine (in a worker thread); return the response and its trace."""
    return run(api_id, PIPELINES.resolve(api_id, rest), method, raw_path, query, headers, body, client_ip)


_clients: dict[tuple[str, str, str], Client] = {}


def _client(source_ip: str, user_agent: str, region: str) -> Client:
    """One ``Client`` per (address, User-Agent, region): the endpoint stage keeps its work per client.

    At most 256 kept, and none with a User-Agent longer than 256 characters (the client chooses it).
    """
    key = (source_ip, user_agent, region)
    client = _clients.get(key)
    if client is None:
        client = Client(source_ip=source_ip, user_agent=user_agent, region=region)
        if len(user_agent) <= 256:
            if len(_clients) >= 256:
                _clients.clear()
            _clients[key] = client
    return client


def run(
    api_id: str, resolved: Resolved, method: str, raw_path: str, query: str, headers: list[tuple[str, str]],
    body: bytes, client_ip: str,
) -> tuple[Response, Trace | None]:  # fmt: skip
    """Run one request through the resolved pipeline, keep it in the request log; return response and trace."""
    pipeline, stage_name, path, api_type = resolved
    if pipeline is None:
        # A REST API answers an unknown stage with 403 Missing Authentication Token (§5.2); HTTP
        # APIs answer 404 Not Found (§5.3), and so does an API id nobody created.
        if api_type == ApiType.REST:
            return _json_error(
                403, "Missing Authentication Token", "MissingAuthenticationTokenException"
            ), None
        return _json_error(404, "Not Found", "NotFoundException"), None
    user_agent = next((v for k, v in headers if k.lower() == "user-agent"), "")
    client = _client(client_ip, user_agent, pipeline.api.region)
    request = Request.build(
        method, path, query=query, headers=headers, body=body, client=client, raw_path=raw_path
    )
    trace = pipeline.run(request)
    request_log.record(api_id, stage_name, request, trace)
    return trace.response, trace


HOP_BY_HOP = frozenset({b"content-length", b"transfer-encoding", b"connection", b"keep-alive"})


async def _read_body(scope: dict[str, Any], receive: Any) -> bytes | None:
    """Return the request body, or None once it passes 10 MB (the rest is not read)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length" and value.isdigit() and int(value) > MAX_BODY_BYTES:
            return None
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _send(send: Any, response: Response, *, head: bool) -> None:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1", "replace"))
        for name, value in response.headers.pairs
        if name.lower().encode("latin-1") not in HOP_BY_HOP
    ]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else response.body})


async def _in_worker(*args: Any) -> Response:
    """Run ``handle(*args)`` in the worker pool; one hop there and back, lighter than ``run_in_executor``."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[Response] = loop.create_future()

    def job() -> None:
        try:
            response = handle(*args)[0]
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting request, which answers 503/500
            loop.call_soon_threadsafe(_fail, done, exc)
        else:
            loop.call_soon_threadsafe(_succeed, done, response)

    _executor.submit(job)
    return await done


def _succeed(done: asyncio.Future[Response], response: Response) -> None:
    if not done.cancelled():  # cancelled: the server gave up on the request's task meanwhile
        done.set_result(response)


def _fail(done: asyncio.Future[Response], error: BaseException) -> None:
    if not done.cancelled():
        done.set_exception(error)


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The ASGI app for ``/gw/<api-id>/<stage>/<path…>`` (HTTP only)."""
    raw = scope.get("raw_path") or scope["path"].encode("utf-8")
    raw_path = raw.decode("latin-1").partition("?")[0]
    api_id, _, rest = scope["path"][len(PREFIX) :].partition("/")
    body = await _read_body(scope, receive)
    method = scope.get("method", "GET")
    if body is None:
        too_large = Response.build(
            413, headers=[("Content-Type", "text; charset=utf-8")], body=TOO_LARGE_BODY
        )
        await _send(send, too_large, head=False)
        return
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", ())]
    client_ip = (scope.get("client") or ("127.0.0.1", 0))[0]
    query = scope.get("query_string", b"").decode("latin-1")
    resolved = PIPELINES.resolve_held(api_id, rest) if len(body) <= INLINE_BODY_BYTES else None
    try:
        if resolved is not None and (resolved[0] is None or not resolved[0].may_block(method, resolved[2])):
            # Nothing in this request's path can wait: run it here, without two thread hops.
            response = run(api_id, resolved, method, raw_path, query, headers, body, client_ip)[0]
        else:
            response = await _in_worker(api_id, rest, method, raw_path, query, headers, body, client_ip)
    except OUTAGE_ERRORS as exc:  # the shared Store (Redis) is down: 503, as the WebSocket side answers
        logger.warning(
            "live gateway request %s %s: store unavailable (%s)", method, raw_path, type(exc).__name__
        )
        response = _json_error(503, "Service Unavailable", "ServiceUnavailableException")
    except Exception:  # never a traceback to the client: AWS's own 500 shape
        logger.exception("live gateway request %s %s failed", method, raw_path)
        response = _json_error(500, "Internal server error", "InternalServerErrorException")
    await _send(send, response, head=method == "HEAD")


def _on_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    PIPELINES.invalidate(getattr(instance, "api_id", None))


def _connect_signals() -> None:
    """Drop this process's cached pipelines of an API the moment it is saved or deleted here."""
    from django.db.models.signals import post_delete, post_save

    from .models import ApiDefinitionRecord

    post_save.connect(_on_saved, sender=ApiDefinitionRecord, dispatch_uid="livegw-http-pipelines")
    post_delete.connect(_on_saved, sender=ApiDefinitionRecord, dispatch_uid="livegw-http-pipelines-del")


_connect_signals()
