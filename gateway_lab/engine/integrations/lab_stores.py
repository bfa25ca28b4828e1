"""In-lab SQS queues, Kinesis streams and DynamoDB tables that AWS integrations and functions write to.

Each store is in memory, deterministic (ids derive from a counter, times from the engine clock) and
JSON-inspectable through ``snapshot()`` so the UI can show what a request left behind.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import uuid
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from .dynamo_query import matches_key_condition
from .types import Clock

_NAMESPACE = uuid.UUID("6f1c8a52-2f0e-4c1e-9a57-3d5a3c0f9b11")


def _stable_id(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


@dataclass(slots=True)
class Queue:
    """An SQS queue: ``send_message`` returns what SendMessage returns (MessageId, MD5OfMessageBody)."""

    name: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    sent: int = 0

    def send_message(self, body: str, *, now_ms: float, delay_seconds: int = 0) -> dict[str, str]:
        self.sent += 1
        message_id = _stable_id("sqs", self.name, self.sent)
        md5 = hashlib.md5(body.encode("utf-8"), usedforsecurity=False).hexdigest()
        self.messages.append(
            {
                "MessageId": message_id,
                "Body": body,
                "MD5OfBody": md5,
                "SentTimestamp": int(now_ms),
                "DelaySeconds": delay_seconds,
            }
        )
        return {"MessageId": message_id, "MD5OfMessageBody": md5}

    def receive(self, max_messages: int = 1) -> list[dict[str, Any]]:
        """Remove and return up to ``max_messages`` messages, oldest first."""
        taken, self.messages = self.messages[:max_messages], self.messages[max_messages:]
        return taken


@dataclass(slots=True)
class Stream:
    """A one-shard Kinesis stream: ``put_record`` returns ShardId and SequenceNumber like PutRecord."""

    name: str
    records: list[dict[str, Any]] = field(default_factory=list)

    def put_record(self, data_b64: str, partition_key: str, *, now_ms: float) -> dict[str, str]:
        base64.b64decode(data_b64, validate=True)  # Kinesis rejects Data that is not base64
        sequence = f"{49_000_000_000_000_000_000 + len(self.records) + 1:056d}"
        self.records.append(
            {
                "SequenceNumber": sequence,
                "PartitionKey": partition_key,
                "Data": data_b64,
                "ApproximateArrivalTimestamp": now_ms / 1000,
            }
        )
        return {"ShardId": "shardId-000000000000", "SequenceNumber": sequence}


@dataclass(slots=True)
class Table:
    """A DynamoDB table holding items in DynamoDB JSON (``{"id": {"S": "1"}}``).

    ``items`` maps each item's key (its key attributes as JSON) to the item: a dict here, a mapping
    over a Redis hash in the live gateway (``LabServices.table_items``), so processes share a table.
    """

    name: str
    hash_key: str = "id"
    range_key: str | None = None
    items: MutableMapping[str, dict[str, Any]] = field(default_factory=dict)

    def _key(self, item: dict[str, Any]) -> str:
        names = [self.hash_key] + ([self.range_key] if self.range_key else [])
        missing = [n for n in names if n not in item]
        if missing:
            raise ValueError(f"One of the required keys was not given a value: {missing[0]}")
        return json.dumps([item[n] for n in names], sort_keys=True)

    def put_item(self, item: dict[str, Any]) -> dict[str, Any]:
        self.items[self._key(item)] = item
        return {}

    def get_item(self, key: dict[str, Any]) -> dict[str, Any]:
        found = self.items.get(self._key(key))
        return {"Item": found} if found is not None else {}

    def query(
        self, condition: str, values: dict[str, Any], names: dict[str, str] | None = None
    ) -> dict[str, Any]:
        found = [
            item
            for item in self.items.values()
            if matches_key_condition(item, condition, values, names or {})
        ]
        if self.range_key:
            found.sort(key=lambda item: json.dumps(item.get(self.range_key or ""), sort_keys=True))
        return {"Items": found, "Count": len(found), "ScannedCount": len(self.items)}


class LabServices:
    """The lab's SQS, Kinesis and DynamoDB; stores are created on first use."""

    in_process = True  # no I/O: engine.blocking may run their integrations on an event loop

    def __init__(self, *, clock: Clock) -> None:
        self.clock = clock
        self.queues: dict[str, Queue] = {}
        self.streams: dict[str, Stream] = {}
        self.tables: dict[str, Table] = {}
        self.counters: dict[str, int] = {}  # per-runtime state for demo functions (e.g. flaky's call count)
        # Live mode runs handlers in worker threads; one lock keeps the stores consistent.
        self.lock = threading.RLock()

    def queue(self, name: str) -> Queue:
        return self.queues.setdefault(name, Queue(name=name))

    def stream(self, name: str) -> Stream:
        return self.streams.setdefault(name, Stream(name=name))

    def table(self, name: str, *, hash_key: str = "id", range_key: str | None = None) -> Table:
        found = self.tables.get(name)
        if found is None:
            items = self.table_items(name)
            found = self.tables[name] = Table(name=name, hash_key=hash_key, range_key=range_key, items=items)
        return found

    def table_items(self, name: str) -> MutableMapping[str, dict[str, Any]]:
        """Return where a new table ``name`` keeps its items: a dict; a subclass may share them (Redis)."""
        return {}

    def increment(self, name: str) -> int:
        """Add one to counter ``name`` and return its new value."""
        with self.lock:
            self.counters[name] = self.counters.get(name, 0) + 1
            return self.counters[name]

    def now_ms(self) -> float:
        return self.clock.now_ms()

    def snapshot(self) -> dict[str, Any]:
        """Return every store's contents as JSON-safe data for the UI."""
        with self.lock:
            return {
                "queues": {n: {"messages": list(q.messages), "sent": q.sent} for n, q in self.queues.items()},
                "streams": {n: {"records": list(s.records)} for n, s in self.streams.items()},
                "tables": {
                    n: {"hashKey": t.hash_key, "rangeKey": t.range_key, "items": list(t.items.values())}
                    for n, t in self.tables.items()
                },
            }
