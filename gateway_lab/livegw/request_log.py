"""The live gateway's request log: the last ``LIMIT`` requests of each API, newest first, with traces.

Shown to whoever opens ``/gw-log/<api-id>/``, so everything kept is redacted first
(``engine.redaction``: cookies, tokens, API keys, the lab's own credentials never in clear).

Without Redis the log lives in this process (a bounded deque per API) and an entry keeps the
engine's ``Trace`` until someone looks at it: the hot path pays no serialisation. With ``REDIS_URL``
every process writes one shared list per API (``LPUSH`` + ``LTRIM``), so the page shows the
requests that any server process answered.
"""

from __future__ import annotations

import atexit
import json
import threading
import time
from collections import deque
from functools import cache
from typing import Any

from django.conf import settings

from gateway_lab.engine import Request, Trace, redact, redact_headers, trace_to_dict

LIMIT = 200  # entries kept per API
PREFIX = "gwlab:reqlog:"


@cache
def _secrets() -> tuple[str, ...]:
    """The lab's own credentials (derived from SECRET_KEY: the same for the life of the process)."""
    from .delivery import lab_secrets

    return tuple(lab_secrets())


# The outcomes of the step that decided a refused request (Outcome is a str enum: no str() per step).
_DECIDING = frozenset({"reject", "error"})


def summary(api_id: str, stage: str, request: Request, trace: Trace) -> dict[str, Any]:
    """Return the entry's list row (no trace): what the log page shows per request."""
    rejected = next((s for s in trace.steps if s.outcome in _DECIDING), None)
    return {
        "id": trace.request_id,
        "api_id": api_id,
        "stage": stage,
        "time": time.time(),
        "method": request.method,
        "path": request.path,
        "query": request.query_string,
        "source_ip": request.client.source_ip,
        "status": trace.response.status,
        "total_ms": round(trace.total_ms, 3),
        "decided_by": str(rejected.stage) if rejected is not None else "",
        "decided_title": rejected.title if rejected is not None else "",
        "decided_msg": rejected.title_msg.to_dict() if rejected is not None and rejected.title_msg else None,
    }


def _entry(row: dict[str, Any], request: Request, trace: Trace) -> dict[str, Any]:
    return {
        **row,
        "request": {
            "headers": redact_headers(request.headers.to_dict()),
            "body": request.body[:4096].decode("utf-8", "replace"),
        },
        "trace": trace_to_dict(trace, messages=True),
    }


def expand(row: dict[str, Any], request: Request, trace: Trace) -> dict[str, Any]:
    """Return the full, redacted entry: the row, the request's headers and body, and the trace dict."""
    return redact(_entry(row, request, trace), secrets=_secrets())  # type: ignore[no-any-return]


class MemoryLog:
    """Per-process log: rows are built at once, the trace is serialised (and redacted) when read."""

    def __init__(self) -> None:
        self._logs: dict[str, deque[tuple[dict[str, Any], Request, Trace]]] = {}
        self._lock = threading.Lock()

    def record(self, api_id: str, stage: str, request: Request, trace: Trace) -> None:
        item = (summary(api_id, stage, request, trace), request, trace)
        with self._lock:
            log = self._logs.get(api_id)
            if log is None:
                log = self._logs[api_id] = deque(maxlen=LIMIT)
            log.appendleft(item)

    def rows(self, api_id: str) -> list[dict[str, Any]]:
        with self._lock:
            items = list(self._logs.get(api_id, ()))
        return [redact(row, secrets=_secrets()) for row, _, _ in items]

    def entry(self, api_id: str, request_id: str) -> dict[str, Any] | None:
        with self._lock:
            items = list(self._logs.get(api_id, ()))
        for row, request, trace in items:
            if row["id"] == request_id:
                return expand(row, request, trace)
        return None

    def clear(self, api_id: str | None = None) -> None:
        with self._lock:
            if api_id is None:
                self._logs.clear()
            else:
                self._logs.pop(api_id, None)


class RedisLog:
    """Shared log: one Redis list per API, newest first, trimmed to ``LIMIT`` entries.

    An entry costs ~1 ms to expand (the redaction walks the whole trace) and serialise, more than the
    rest of the request: at a low rate the request that records it pushes it at once, as before; when
    requests come faster than that, they wait in a pending list (the newest ``LIMIT`` per API: older
    ones would be trimmed from Redis anyway) that a flusher thread pushes in one batch after a pause
    (``pause_s``), so the log costs at most ``CPU_SHARE`` of the CPU. Reads in this process push
    what is pending first.
    """

    PAUSE_PER_ENTRY_S = 0.005  # after pushing n entries, the next push waits at least n × this
    CPU_SHARE = 0.05  # ... and long enough that pushing takes at most this share of the CPU (a read
    # of the log pushes what is pending first, so the page never shows it late)

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=5.0, socket_connect_timeout=2.0)
        self._pending: dict[str, deque[tuple[dict[str, Any], Request, Trace]]] = {}
        self._cond = threading.Condition()
        self._busy = False  # one push at a time (a request's, the flusher's or a reader's)
        self._resume_at = 0.0  # monotonic time before which requests leave their entry pending
        self._flusher: threading.Thread | None = None
        self._idle = False  # the flusher waits for an entry to be left pending
        atexit.register(self.flush)  # what a stopping server left pending still reaches the log

    def record(self, api_id: str, stage: str, request: Request, trace: Trace) -> None:
        item = (summary(api_id, stage, request, trace), request, trace)
        with self._cond:
            log = self._pending.get(api_id)
            if log is None:
                log = self._pending[api_id] = deque(maxlen=LIMIT)
            log.append(item)
            inline = not self._busy and time.monotonic() >= self._resume_at
            if inline:
                self._busy = True
            elif self._flusher is None:
                self._flusher = threading.Thread(
                    target=self._flush_forever, name="livegw-reqlog", daemon=True
                )
                self._flusher.start()
            elif self._idle:
                self._cond.notify_all()
        if inline:
            self._push_pending()

    def flush(self) -> None:
        """Push every pending entry now (waiting for a push in progress)."""
        with self._cond:
            while self._busy:
                self._cond.wait()
            if not self._pending:
                return
            self._busy = True
        self._push_pending()

    def _flush_forever(self) -> None:
        while True:
            with self._cond:
                while self._busy or not self._pending:
                    self._idle = not self._busy
                    self._cond.wait()
                self._idle = False
                delay = self._resume_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            with self._cond:
                if self._busy or not self._pending:
                    continue
                self._busy = True
            self._push_pending()

    def _push_pending(self) -> None:
        """Push what is pending (the caller set ``_busy``); a Redis that fails drops it (best effort)."""
        pushed, started_cpu = 0, time.thread_time()
        try:
            with self._cond:
                batch, self._pending = self._pending, {}
            with self._redis.pipeline(transaction=False) as pipe:
                for api_id, items in batch.items():
                    key = PREFIX + api_id
                    texts = [json.dumps(expand(row, request, trace)) for row, request, trace in items]
                    pipe.lpush(key, *texts)  # oldest first, so the newest ends on top
                    pipe.ltrim(key, 0, LIMIT - 1)
                    pushed += len(items)
                pipe.execute()
        except Exception:  # noqa: BLE001 - the log is best effort (a Redis outage must not fail requests)
            pass
        finally:
            with self._cond:
                self._busy = False
                self._resume_at = time.monotonic() + self.pause_s(pushed, time.thread_time() - started_cpu)
                self._cond.notify_all()

    def pause_s(self, pushed: int, cpu_s: float) -> float:
        """How long requests leave their entries pending after a push of ``pushed`` entries that took
        ``cpu_s`` of this thread's CPU: expanding an entry costs ~1 ms on an idle machine and several
        under load, so the pause follows what the push really cost."""
        return max(pushed * self.PAUSE_PER_ENTRY_S, cpu_s * (1 - self.CPU_SHARE) / self.CPU_SHARE)

    def _all(self, api_id: str) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw in self._redis.lrange(PREFIX + api_id, 0, LIMIT - 1)]

    def rows(self, api_id: str) -> list[dict[str, Any]]:
        self.flush()
        return [{k: v for k, v in e.items() if k not in ("trace", "request")} for e in self._all(api_id)]

    def entry(self, api_id: str, request_id: str) -> dict[str, Any] | None:
        self.flush()
        return next((e for e in self._all(api_id) if e.get("id") == request_id), None)

    def clear(self, api_id: str | None = None) -> None:
        self.flush()
        keys = [PREFIX + api_id] if api_id else list(self._redis.scan_iter(match=PREFIX + "*"))
        if keys:
            self._redis.delete(*keys)


@cache
def request_log() -> MemoryLog | RedisLog:
    """Return this process's log (Redis-backed when ``REDIS_URL`` is set)."""
    return RedisLog(settings.REDIS_URL) if settings.REDIS_URL else MemoryLog()


def record(api_id: str, stage: str, request: Request, trace: Trace) -> None:
    """Keep one live request; a log that cannot be written never fails the request itself."""
    try:
        request_log().record(api_id, stage, request, trace)
    except Exception:  # noqa: BLE001 - the log is best effort (a Redis outage must not turn 200 into 500)
        return
