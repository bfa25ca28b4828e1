"""A consumer that drains the live gateway's lab queues at a set rate: the note's "peak shaving with SQS".

A burst of requests lands in an SQS queue at once (the ``AWS`` integration answers each at once);
the consumer behind it takes one message every ``1 / rate`` seconds, however many wait. ``drain`` is an
exact schedule, not a poll: message *n* is done at ``max(consumer free, message visible) + 1 / rate``,
so what is drained by time *t* does not depend on how often anyone looks. A daemon thread calls it a
few times a second in a server process; tests call it with times they choose.

The queues are the live runtime's ``LabServices`` (shared by every live API and the stores page). With
``REDIS_URL`` set, the stores and this schedule live in Redis (``lab_redis``), so every server process
sees one queue drained once at the set rate.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gateway_lab.engine import LabServices

if TYPE_CHECKING:
    from .lab_redis import RedisLabConsumers

DEFAULT_RATE = 5.0  # messages per second
MAX_RATE = 1000.0
HISTORY = 120  # depth samples kept per queue (one per tick: about a minute)
RECENT = 20  # processed messages shown
TICK_S = 0.5

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class QueueConsumer:
    """One queue's consumer: its rate, when it is next free, what it processed and the queue's depth over time."""

    queue: str
    rate: float
    free_at_ms: float
    processed: int = 0
    recent: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=RECENT))
    depth: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=HISTORY))


class LabConsumers:
    """The consumers of one ``LabServices``' queues, created with ``DEFAULT_RATE`` when a queue is first seen."""

    def __init__(self, services: LabServices, *, default_rate: float = DEFAULT_RATE) -> None:
        self.services = services
        self.default_rate = default_rate
        self._consumers: dict[str, QueueConsumer] = {}
        self._lock = threading.Lock()

    def consumer(self, queue: str, now_ms: float) -> QueueConsumer:
        with self._lock:
            found = self._consumers.get(queue)
            if found is None:  # a backlog older than the consumer starts draining now, not at once
                found = self._consumers[queue] = QueueConsumer(
                    queue=queue, rate=self.default_rate, free_at_ms=now_ms
                )
            return found

    def set_rate(self, queue: str, rate: float, now_ms: float) -> QueueConsumer:
        """Drain at the old rate up to ``now_ms``, then at ``rate`` (0 pauses) from ``now_ms`` on."""
        if not 0 <= rate <= MAX_RATE:
            raise ValueError(f"rate must be between 0 and {MAX_RATE:g} messages/s")
        consumer = self.consumer(queue, now_ms)
        self._drain_one(consumer, now_ms)
        with self._lock:
            consumer.rate = rate
            consumer.free_at_ms = max(consumer.free_at_ms, now_ms)  # a pause does not bank capacity
        return consumer

    def drain(self, now_ms: float) -> dict[str, int]:
        """Process every message whose turn came by ``now_ms``, in every queue; return how many per queue."""
        with self.services.lock:
            names = list(self.services.queues)
        return {name: self._drain_one(self.consumer(name, now_ms), now_ms) for name in names}

    def _drain_one(self, consumer: QueueConsumer, now_ms: float) -> int:
        taken = 0
        with self.services.lock, self._lock:
            queue = self.services.queue(consumer.queue)
            while queue.messages and consumer.rate > 0:
                message = queue.messages[0]
                visible_ms = message["SentTimestamp"] + 1000 * int(message.get("DelaySeconds") or 0)
                done_ms = max(consumer.free_at_ms, visible_ms) + 1000.0 / consumer.rate
                if done_ms > now_ms:
                    break
                queue.messages.pop(0)
                consumer.free_at_ms = done_ms
                consumer.processed += 1
                consumer.recent.appendleft(
                    {
                        "id": message["MessageId"],
                        "body": message["Body"][:200],
                        "sent_ms": message["SentTimestamp"],
                        "done_ms": done_ms,
                    }
                )
                taken += 1
            if consumer.rate == 0 or not queue.messages:
                consumer.free_at_ms = max(
                    consumer.free_at_ms, now_ms
                )  # idle time is not saved up for a burst
            consumer.depth.append((now_ms, len(queue.messages)))
        return taken

    def rows(self, now_ms: float) -> list[dict[str, Any]]:
        """Return each queue's depth, sent and processed counts, rate and depth history, by name."""
        self.drain(now_ms)
        with self.services.lock, self._lock:
            rows = []
            for name in sorted(self.services.queues):
                queue, consumer = self.services.queues[name], self._consumers[name]
                rows.append(
                    {
                        "name": name, "depth": len(queue.messages), "sent": queue.sent,
                        "processed": consumer.processed, "rate": consumer.rate,
                        "recent": list(consumer.recent), "history": list(consumer.depth),
                    }
                )  # fmt: skip
            return rows


_live: LabConsumers | RedisLabConsumers | None = None
_live_lock = threading.Lock()


def live_consumers() -> LabConsumers | RedisLabConsumers:
    """Return this process's consumers of the live runtime's queues, starting their ticker once."""
    global _live
    with _live_lock:
        if _live is None:
            from .lab_redis import RedisLabConsumers, RedisLabServices
            from .services import live_runtime

            services = live_runtime().services
            shared = isinstance(services, RedisLabServices)
            _live = RedisLabConsumers(services) if shared else LabConsumers(services)
            threading.Thread(target=_tick, args=(_live,), name="livegw-lab-consumer", daemon=True).start()
        return _live


def _tick(consumers: LabConsumers | RedisLabConsumers) -> None:
    while True:
        time.sleep(TICK_S)
        try:
            consumers.drain(consumers.services.now_ms())
        except Exception:  # one bad tick must not stop the consumer for the life of the process
            logger.exception("lab queue consumer tick failed")
