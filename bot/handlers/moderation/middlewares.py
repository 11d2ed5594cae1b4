"""Outer middlewares: chats registered on first sight, muted people's messages stopped.

`StopMuted` sits on the dispatcher's message observer, before every router, so a
muted person's message is deleted and nothing else (not even `/пинг`) answers it.
"""

from __future__ import annotations

from typing import Any

from adapters.base import Event
from bot.middlewares import BaseMiddleware, Handler
from bot.services import ModerationServices
from bot.services.ledger import Ledger

__all__ = ["ChatsOnSight", "StopMuted"]


class StopMuted(BaseMiddleware):
    def __init__(self, services: ModerationServices) -> None:
        self.services = services

    async def __call__(self, handler: Handler, event: Any, data: dict[str, Any]) -> Any:
        if isinstance(event, Event) and await self.services.guard.stopped(event):
            return None
        return await handler(event, data)


class ChatsOnSight(BaseMiddleware):
    """The first event from a chat creates its row, so later decisions find it."""

    def __init__(self, services: ModerationServices) -> None:
        self.services = services
        self._seen: set[tuple[str, str]] = set()

    async def __call__(self, handler: Handler, event: Any, data: dict[str, Any]) -> Any:
        if isinstance(event, Event) and not event.is_private and event.chat_id:
            key = (event.platform, event.chat_id)
            if key not in self._seen:
                m = self.services.m
                async with m.db.transaction() as session:
                    await Ledger(session, m.platform, event.key).chat(event.chat_id)
                self._seen.add(key)
        return await handler(event, data)
