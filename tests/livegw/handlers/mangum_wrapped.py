"""The README's workaround until the engine serves ``handler = Mangum(app)`` itself.

Two things differ from Lambda today: the engine resolves only *functions* defined in the module (a
Mangum instance is an object of ``mangum.adapter``), and handlers run in the engine's worker threads,
which have no event loop (Lambda runs them on its main thread, where ``asyncio.get_event_loop()``
makes one; Mangum calls it). A module-level function that gives its thread a loop covers both.
"""

from __future__ import annotations

import asyncio
from typing import Any

from .mangum_notes import handler


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        asyncio.get_event_loop()
    except RuntimeError:  # a worker thread without a loop: give it one, as Lambda's main thread has
        asyncio.set_event_loop(asyncio.new_event_loop())
    return handler(event, context)
