"""Group commit for poll answers: every answer that arrives while a write is running goes in the next one.

When a class answers at once, hundreds of answers land within a second. Written one by one, each
is its own transaction and (on SQLite) its own disk sync, ~10 ms: 300 answers queue for seconds
before the presenter's chart is complete. Here the first answer starts a write; answers arriving
meanwhile wait for it and then go together in one transaction (``services.poll_answers_record``),
and the presenter gets one tally per poll per batch. One batcher per event loop.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from channels.db import database_sync_to_async

from . import services
from .models import Participant, Room

Pending = tuple[Room, Participant, Any, Any, "asyncio.Future[Any]"]


class AnswerBatcher:
    def __init__(self) -> None:
        self.pending: list[Pending] = []
        self.writer: asyncio.Task[None] | None = None

    async def submit(
        self, *, room: Room, participant: Participant, poll_id: Any, choice: Any
    ) -> dict[str, Any]:
        """Record one answer (raises ClassroomError if refused); return its poll's tally and whether
        this answer is the batch's last for that poll (the one that should notify the presenters)."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending.append((room, participant, poll_id, choice, future))
        if self.writer is None or self.writer.done():
            self.writer = asyncio.create_task(self._write())
        result = await future
        if isinstance(result, Exception):
            raise result
        return result

    async def _write(self) -> None:
        while self.pending:
            batch, self.pending = self.pending, []
            try:
                results = await database_sync_to_async(services.poll_answers_record)(
                    [item[:4] for item in batch]
                )
            except Exception as error:  # a database failure refuses the whole batch, loudly
                for *_, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            last_for_poll = {id(r): i for i, r in enumerate(results) if isinstance(r, dict)}
            for i, ((*_, future), result) in enumerate(zip(batch, results, strict=True)):
                if isinstance(result, dict):
                    result = {"tally": result, "notify": last_for_poll[id(result)] == i}
                if not future.done():
                    future.set_result(result)


_batchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AnswerBatcher] = weakref.WeakKeyDictionary()


def batcher() -> AnswerBatcher:
    """Return this event loop's batcher."""
    loop = asyncio.get_running_loop()
    if loop not in _batchers:
        _batchers[loop] = AnswerBatcher()
    return _batchers[loop]
