"""Django's ASGI handler, with the sync part of the middleware chain and the view in one thread.

Django builds its ASGI middleware chain around ``_get_response_async``: a sync-only middleware
(``core/middleware_stack.py``) then calls back into the event loop for the view, which goes to a
thread again (``sync_to_async``), and each sync ``process_view`` hook costs a hop of its own. This
handler builds the chain as Django's WSGI handler does — the innermost handler, the view middleware
and the view all sync — and keeps the async middleware at the top (security headers, the CSP,
servestatic) on the event loop: Django adapts the chain once, where servestatic calls the sync part,
and that one ``sync_to_async`` runs every sync hook and the view in a single thread.

A plain page then makes three hops (``request_started``, the chain with the view,
``request_finished``), as a minimal Django project does; ``tests/core/test_thread_hops.py`` counts
them. An async view still works: Django's sync path runs it with ``async_to_sync`` on the server's
event loop.
"""

from __future__ import annotations

from typing import Any

import django
from asgiref.sync import AsyncToSync, sync_to_async
from django.core.handlers import asgi


class ASGIHandler(asgi.ASGIHandler):
    """``django.core.handlers.asgi.ASGIHandler`` whose middleware chain ends in the sync view path."""

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)  # inner handler, view middleware and view: sync
        if not is_async:
            return
        chain: Any = self._middleware_chain
        if isinstance(chain, AsyncToSync):  # the top of the stack is async: use it as it is
            self._middleware_chain = chain.awaitable
        else:  # every middleware sync: one hop for all of them
            self._middleware_chain = sync_to_async(chain, thread_sensitive=True)


def get_asgi_application() -> ASGIHandler:
    """``django.core.asgi.get_asgi_application`` with this handler."""
    django.setup(set_prefix=False)
    return ASGIHandler()
