"""The lab stores in Redis, when ``REDIS_URL`` is set: one set of queues, streams and tables for every process.

With several processes (``make serve``), a burst sent to one process and the stores page served by
another must see the same queue, and the consumer must drain it at the set rate once, not once per
process. So the messages are a Redis list, and one consumer step (the exact schedule of
``lab_consumer``: message *n* is done at ``max(consumer free, message visible) + 1 / rate``) is one
Lua script over the list and the consumer's hash. A Kinesis stream is a Redis list numbered by one
counter (so two processes never hand out the same sequence number) and a DynamoDB table is a Redis
hash from item key to item, so a PutItem answered by one process is what GetItem finds in another.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Iterator, MutableMapping
from typing import Any

from gateway_lab.engine import Clock, LabServices

from .lab_consumer import DEFAULT_RATE, HISTORY, MAX_RATE, RECENT, TICK_S, QueueConsumer

PREFIX = "gwlab:lab:"
MAX_STREAM_RECORDS = 10_000  # newest records kept per stream in Redis (its sequence numbers go on rising)
_NAMESPACE = uuid.UUID("6f1c8a52-2f0e-4c1e-9a57-3d5a3c0f9b11")  # the engine's lab store ids use it too

# One consumer step over one queue, atomically (see lab_consumer.LabConsumers._drain_one): take every
# message whose turn came by now, keep the last processed ones and a depth sample (at most one per tick,
# however many processes tick). KEYS: messages, consumer hash, recent list, history list.
DRAIN_LUA = """
local now, default_rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local recent_max, history_max, min_gap = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('HEXISTS', KEYS[2], 'rate') == 0 then
  redis.call('HSET', KEYS[2], 'rate', default_rate, 'free_at', string.format('%.17g', now), 'processed', 0)
end
local rate = tonumber(redis.call('HGET', KEYS[2], 'rate'))
local free = tonumber(redis.call('HGET', KEYS[2], 'free_at'))
local taken = 0
while rate > 0 do
  local raw = redis.call('LINDEX', KEYS[1], 0)
  if not raw then break end
  local m = cjson.decode(raw)
  local visible = tonumber(m['SentTimestamp']) + 1000 * (tonumber(m['DelaySeconds']) or 0)
  local done = math.max(free, visible) + 1000.0 / rate
  if done > now then break end
  redis.call('LPOP', KEYS[1])
  free = done
  taken = taken + 1
  redis.call('LPUSH', KEYS[3], cjson.encode({id = m['MessageId'], body = string.sub(m['Body'], 1, 200),
    sent_ms = m['SentTimestamp'], done_ms = string.format('%.17g', done)}))
end
redis.call('LTRIM', KEYS[3], 0, recent_max - 1)
local depth = redis.call('LLEN', KEYS[1])
if rate == 0 or depth == 0 then free = math.max(free, now) end
if ARGV[6] ~= '' then
  rate = tonumber(ARGV[6])
  free = math.max(free, now)
  redis.call('HSET', KEYS[2], 'rate', ARGV[6])
end
redis.call('HSET', KEYS[2], 'free_at', string.format('%.17g', free))
redis.call('HINCRBY', KEYS[2], 'processed', taken)
local last = tonumber(redis.call('HGET', KEYS[2], 'sampled_at') or '-1e18')
if now - last >= min_gap then
  redis.call('RPUSH', KEYS[4], string.format('%.17g', now) .. ':' .. depth)
  redis.call('LTRIM', KEYS[4], -history_max, -1)
  redis.call('HSET', KEYS[2], 'sampled_at', string.format('%.17g', now))
end
return {taken, depth}
"""


def _keys(prefix: str, name: str) -> dict[str, str]:
    base = f"{prefix}q:{name}"
    return {"messages": base, "sent": base + ":sent", "consumer": base + ":consumer",
            "recent": base + ":recent", "history": base + ":history"}  # fmt: skip


class RedisQueue:
    """A lab SQS queue as a Redis list; ``send_message`` answers what SendMessage answers, like the engine's Queue."""

    def __init__(self, redis: Any, name: str, *, prefix: str = PREFIX) -> None:
        self._redis, self.name, self._prefix, self._keys = redis, name, prefix, _keys(prefix, name)

    def send_message(self, body: str, *, now_ms: float, delay_seconds: int = 0) -> dict[str, str]:
        sent = int(self._redis.incr(self._keys["sent"]))
        message_id = str(uuid.uuid5(_NAMESPACE, f"sqs/{self.name}/{sent}"))
        md5 = hashlib.md5(body.encode("utf-8"), usedforsecurity=False).hexdigest()
        message = {"MessageId": message_id, "Body": body, "MD5OfBody": md5,
                   "SentTimestamp": int(now_ms), "DelaySeconds": delay_seconds}  # fmt: skip
        with self._redis.pipeline() as pipe:
            pipe.rpush(self._keys["messages"], json.dumps(message))
            pipe.sadd(self._prefix + "queues", self.name)
            pipe.execute()
        return {"MessageId": message_id, "MD5OfMessageBody": md5}

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw in self._redis.lrange(self._keys["messages"], 0, -1)]

    @property
    def sent(self) -> int:
        return int(self._redis.get(self._keys["sent"]) or 0)


class RedisStream:
    """A one-shard lab Kinesis stream as a Redis list; ``put_record`` answers what PutRecord answers."""

    def __init__(self, redis: Any, name: str, *, prefix: str = PREFIX) -> None:
        self._redis, self.name, self._prefix = redis, name, prefix
        self._key = f"{prefix}s:{name}"

    def put_record(self, data_b64: str, partition_key: str, *, now_ms: float) -> dict[str, str]:
        base64.b64decode(data_b64, validate=True)  # Kinesis rejects Data that is not base64
        number = int(self._redis.incr(self._key + ":seq"))
        sequence = f"{49_000_000_000_000_000_000 + number:056d}"  # as the engine's Stream numbers them
        record = {"SequenceNumber": sequence, "PartitionKey": partition_key, "Data": data_b64,
                  "ApproximateArrivalTimestamp": now_ms / 1000}  # fmt: skip
        with self._redis.pipeline() as pipe:
            pipe.rpush(self._key, json.dumps(record))
            pipe.ltrim(self._key, -MAX_STREAM_RECORDS, -1)
            pipe.sadd(self._prefix + "streams", self.name)
            pipe.execute()
        return {"ShardId": "shardId-000000000000", "SequenceNumber": sequence}

    @property
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw in self._redis.lrange(self._key, 0, -1)]


class RedisItems(MutableMapping[str, dict[str, Any]]):
    """A lab DynamoDB table's items as a Redis hash (item key → item as JSON), for the engine's ``Table``."""

    def __init__(self, redis: Any, key: str) -> None:
        self._redis, self._key = redis, key

    def __getitem__(self, key: str) -> dict[str, Any]:
        raw = self._redis.hget(self._key, key)
        if raw is None:
            raise KeyError(key)
        return dict(json.loads(raw))

    def __setitem__(self, key: str, item: dict[str, Any]) -> None:
        self._redis.hset(self._key, key, json.dumps(item))

    def __delitem__(self, key: str) -> None:
        if not self._redis.hdel(self._key, key):
            raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter([raw.decode() for raw in self._redis.hkeys(self._key)])

    def __len__(self) -> int:
        return int(self._redis.hlen(self._key))

    def values(self) -> list[dict[str, Any]]:  # type: ignore[override]  # one HVALS, not a read per key
        return [json.loads(raw) for raw in self._redis.hvals(self._key)]


class RedisLabServices(LabServices):
    """The engine's lab services with queues, streams and tables in Redis, shared by every process."""

    in_process = False  # every call is a Redis round trip (engine.blocking)

    def __init__(self, *, clock: Clock, redis_url: str, prefix: str = PREFIX) -> None:
        import redis

        super().__init__(clock=clock)
        self.redis = redis.Redis.from_url(redis_url, socket_timeout=5.0, socket_connect_timeout=2.0)
        self.prefix = prefix

    def queue(self, name: str) -> RedisQueue:  # type: ignore[override]
        return RedisQueue(self.redis, name, prefix=self.prefix)

    def stream(self, name: str) -> RedisStream:  # type: ignore[override]
        return RedisStream(self.redis, name, prefix=self.prefix)

    def table_items(self, name: str) -> RedisItems:
        self.redis.sadd(self.prefix + "tables", name)
        return RedisItems(self.redis, f"{self.prefix}t:{name}")

    def _names(self, kind: str) -> list[str]:
        return sorted(raw.decode() for raw in self.redis.smembers(self.prefix + kind))

    def queue_names(self) -> list[str]:
        return self._names("queues")

    def snapshot(self) -> dict[str, Any]:
        """Every store as ``LabServices.snapshot()`` shows it, including those other processes made."""
        with self.lock:
            tables = [self.table(name) for name in self._names("tables")]
            return {
                "queues": {
                    name: {"messages": queue.messages, "sent": queue.sent}
                    for name in self.queue_names()
                    for queue in (self.queue(name),)
                },
                "streams": {name: {"records": self.stream(name).records} for name in self._names("streams")},
                "tables": {
                    t.name: {"hashKey": t.hash_key, "rangeKey": t.range_key, "items": list(t.items.values())}
                    for t in tables
                },
            }


class RedisLabConsumers:
    """``LabConsumers`` over Redis: the same schedule, one Lua step per queue, shared by every process."""

    def __init__(self, services: RedisLabServices, *, default_rate: float = DEFAULT_RATE) -> None:
        self.services = services
        self.default_rate = default_rate
        self._drain = services.redis.register_script(DRAIN_LUA)

    def _step(self, queue: str, now_ms: float, new_rate: float | None = None) -> int:
        keys = _keys(self.services.prefix, queue)
        args = [repr(float(now_ms)), self.default_rate, RECENT, HISTORY, TICK_S * 1000 * 0.8,
                "" if new_rate is None else repr(float(new_rate))]  # fmt: skip
        taken, _ = self._drain(
            keys=[keys["messages"], keys["consumer"], keys["recent"], keys["history"]], args=args
        )
        return int(taken)

    def consumer(self, queue: str, now_ms: float) -> QueueConsumer:
        """Return the queue's consumer state (created at ``now_ms`` with the default rate if new)."""
        self._step(queue, now_ms)
        keys = _keys(self.services.prefix, queue)
        state = {k.decode(): v.decode() for k, v in self.services.redis.hgetall(keys["consumer"]).items()}
        found = QueueConsumer(
            queue=queue,
            rate=float(state["rate"]),
            free_at_ms=float(state["free_at"]),
            processed=int(state["processed"]),
        )
        for raw in self.services.redis.lrange(keys["recent"], 0, -1):
            message = json.loads(raw.decode("utf-8", "replace"))  # Lua cut the body at 200 bytes
            found.recent.append({**message, "done_ms": float(message["done_ms"])})
        for raw in self.services.redis.lrange(keys["history"], 0, -1):
            at, _, depth = raw.decode().partition(":")
            found.depth.append((float(at), int(depth)))
        return found

    def set_rate(self, queue: str, rate: float, now_ms: float) -> QueueConsumer:
        if not 0 <= rate <= MAX_RATE:
            raise ValueError(f"rate must be between 0 and {MAX_RATE:g} messages/s")
        self._step(queue, now_ms, rate)
        return self.consumer(queue, now_ms)

    def drain(self, now_ms: float) -> dict[str, int]:
        return {name: self._step(name, now_ms) for name in self.services.queue_names()}

    def rows(self, now_ms: float) -> list[dict[str, Any]]:
        rows = []
        for name in self.services.queue_names():
            consumer = self.consumer(name, now_ms)
            queue = self.services.queue(name)
            rows.append(
                {"name": name, "depth": int(self.services.redis.llen(_keys(self.services.prefix, name)["messages"])), "sent": queue.sent,
                 "processed": consumer.processed, "rate": consumer.rate,
                 "recent": list(consumer.recent), "history": list(consumer.depth)}
            )  # fmt: skip
        return rows
