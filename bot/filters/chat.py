"""Where and by whom: chat or private, moderator or not, event kind, button payload."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from adapters.base import Event
from bot.filters.base import Filter, FilterResult

__all__ = ["ChatOnly", "IsModerator", "ModeratorCheck", "Payload", "PrivateOnly"]


class ChatOnly(Filter):
    """Passes in group chats only."""

    def __call__(self, event: Event, data: dict[str, Any]) -> FilterResult:
        return not event.is_private


class PrivateOnly(Filter):
    """Passes in a private dialog with the bot only."""

    def __call__(self, event: Event, data: dict[str, Any]) -> FilterResult:
        return event.is_private


class ModeratorCheck(Protocol):
    """Decides who moderates a chat (platform admins and assigned staff)."""

    async def is_moderator(self, event: Event) -> bool: ...


class IsModerator(Filter):
    """Passes when the `moderators` dependency says the sender moderates this chat.

    The check itself lives with the permissions logic; a dispatcher without one
    refuses loudly rather than letting everybody through.
    """

    def __init__(self, expected: bool = True) -> None:
        self.expected = expected

    async def __call__(self, event: Event, data: dict[str, Any]) -> FilterResult:
        check: ModeratorCheck | None = data.get("moderators")
        if check is None:
            raise LookupError("IsModerator needs a 'moderators' dependency in the dispatcher")
        return (await check.is_moderator(event)) is self.expected


class Payload(Filter):
    """Passes for a button whose payload holds the given items: `Payload(action="ack")`."""

    def __init__(self, **expected: Any) -> None:
        self.expected: Mapping[str, Any] = expected

    def __call__(self, event: Event, data: dict[str, Any]) -> FilterResult:
        payload = event.payload
        for key, value in self.expected.items():
            if payload.get(key) != value:
                return False
        return {"payload": payload}
