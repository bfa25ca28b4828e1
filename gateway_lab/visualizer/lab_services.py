"""Present the lab's SQS queues, Kinesis streams and DynamoDB tables as a run left them (``Simulation.services``).

The rows are what the engine's stores hold; this module only shortens and decodes them for reading.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway_lab.engine import VIRTUAL_EPOCH_MS

MAX_ROWS = 50  # a 1,000-request burst would otherwise put 1,000 messages on the page


@dataclass(frozen=True, slots=True, kw_only=True)
class Store:
    """One queue, stream or table: its kind, name, shown rows and how many it holds in all."""

    kind: str  # "queue" | "stream" | "table"
    name: str
    rows: tuple[tuple[str, str, str], ...]  # (id, when or key, content)
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.rows)


def lab_stores(snapshot: Mapping[str, Any]) -> list[Store]:
    """Return every non-empty store of ``snapshot`` (``LabServices.snapshot()``), queues first."""
    stores = [
        *(_queue(name, q) for name, q in sorted((snapshot.get("queues") or {}).items())),
        *(_stream(name, s) for name, s in sorted((snapshot.get("streams") or {}).items())),
        *(_table(name, t) for name, t in sorted((snapshot.get("tables") or {}).items())),
    ]
    return [store for store in stores if store.total]


def _queue(name: str, queue: Mapping[str, Any]) -> Store:
    messages = list(queue.get("messages") or ())
    rows = tuple(
        (str(m["MessageId"]), _at(m.get("SentTimestamp")), str(m.get("Body", "")))
        for m in messages[:MAX_ROWS]
    )
    return Store(kind="queue", name=name, rows=rows, total=len(messages))


def _stream(name: str, stream: Mapping[str, Any]) -> Store:
    records = list(stream.get("records") or ())
    rows = tuple(
        (str(r["SequenceNumber"]), str(r.get("PartitionKey", "")), _decoded(str(r.get("Data", ""))))
        for r in records[:MAX_ROWS]
    )
    return Store(kind="stream", name=name, rows=rows, total=len(records))


def _table(name: str, table: Mapping[str, Any]) -> Store:
    items = list(table.get("items") or ())
    key_names = [k for k in (table.get("hashKey"), table.get("rangeKey")) if k]
    rows = tuple(
        (_key(item, key_names), "", json.dumps(item, ensure_ascii=False, sort_keys=True))
        for item in items[:MAX_ROWS]
    )
    return Store(kind="table", name=name, rows=rows, total=len(items))


def _at(timestamp_ms: Any) -> str:
    """Return a store timestamp as the run's virtual time (``t = 100 ms``), like the timeline."""
    if timestamp_ms is None:
        return ""
    return f"t = {float(timestamp_ms) - VIRTUAL_EPOCH_MS:g} ms"


def _decoded(data_b64: str) -> str:
    # Kinesis stores Data base64-encoded; show the text a consumer would read when it is text.
    try:
        return base64.b64decode(data_b64, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return data_b64


def _key(item: Mapping[str, Any], names: list[str]) -> str:
    """Return an item's key as ``id=42`` (DynamoDB JSON ``{"S": "42"}`` unwrapped)."""
    parts = []
    for name in names:
        value = item.get(name)
        inner = next(iter(value.values())) if isinstance(value, Mapping) and len(value) == 1 else value
        parts.append(f"{name}={inner}")
    return ", ".join(parts)
