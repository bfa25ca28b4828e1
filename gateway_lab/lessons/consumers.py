"""Who else is editing this page (issue 13): presence over Channels, without shared server state.

Route: ``lessons/ws/wiki/<slug>/<lang>`` (a site route: origin-checked, session user known). Only
editors may connect (close code 4403 otherwise). Each connection joins the page's group and
announces itself; every other connection answers it directly, and announces its leaving. So each
connection knows its peers, whatever worker process serves them (the Redis layer carries the
messages), and nothing has to be cleaned up when a worker dies but its peers' ``leave``.

Wire format (server → page), JSON: ``{"editors": ["alice", "bob"]}`` — the *other* editors' user
names, sorted, sent on connect and after every change. The page sends nothing.
"""

from __future__ import annotations

import re
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from . import content

CLOSE_FORBIDDEN = 4403
_GROUP_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def presence_group(slug: str, language: str) -> str:
    return f"wiki-presence.{_GROUP_SAFE.sub('_', slug)[:60]}.{language}"


@database_sync_to_async
def _editor_name(user: Any) -> str | None:
    if user is None or not user.is_authenticated or not user.has_perm("lessons.change_lesson"):
        return None
    return user.get_username()


class WikiPresenceConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        self.name = await _editor_name(self.scope.get("user"))
        if self.name is None or kwargs["lang"] not in content.LANGUAGES:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = presence_group(kwargs["slug"], kwargs["lang"])
        self.peers: dict[str, str] = {}
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._push()
        await self.channel_layer.group_send(
            self.group, {"type": "presence.join", "channel": self.channel_name, "user": self.name}
        )

    async def disconnect(self, code: int) -> None:
        group = getattr(self, "group", None)
        if group is None:
            return
        await self.channel_layer.group_send(group, {"type": "presence.leave", "channel": self.channel_name})
        await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The page sends nothing; anything received is ignored."""

    async def presence_join(self, event: dict[str, Any]) -> None:
        if event["channel"] == self.channel_name:
            return
        self.peers[event["channel"]] = event["user"]
        await self.channel_layer.send(
            event["channel"], {"type": "presence.here", "channel": self.channel_name, "user": self.name}
        )
        await self._push()

    async def presence_here(self, event: dict[str, Any]) -> None:
        self.peers[event["channel"]] = event["user"]
        await self._push()

    async def presence_leave(self, event: dict[str, Any]) -> None:
        if self.peers.pop(event["channel"], None) is not None:
            await self._push()

    async def _push(self) -> None:
        others = sorted({name for name in self.peers.values() if name != self.name})
        await self.send_json({"editors": others})
