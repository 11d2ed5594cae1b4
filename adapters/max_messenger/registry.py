"""The bot's own list of its MAX chats.

`GET /chats` is dead since June 2026 (NOTES §0, SOURCE.md), so the only record of
where the bot is comes from the updates: `bot_added`/`bot_removed` and any message
seen in a chat. Pure logic; `on_change` lets the caller persist each change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from adapters.base import Event, EventKind

__all__ = ["ChatRegistry", "KnownChat"]


@dataclass(frozen=True, slots=True)
class KnownChat:
    """What we know of one chat the bot has been in."""

    chat_id: str
    active: bool = True
    is_private: bool = False
    last_seen: float = 0.0
    missing_rights: tuple[str, ...] = ()
    """The rights the chat was last asked to grant; lets the request be sent once."""


class ChatRegistry:
    """An in-memory map of chats, fed by events; each change goes to `on_change`."""

    def __init__(
        self,
        chats: Iterable[KnownChat] = (),
        *,
        on_change: Callable[[KnownChat], None] | None = None,
    ) -> None:
        self._chats = {chat.chat_id: chat for chat in chats}
        self._on_change = on_change

    def __contains__(self, chat_id: object) -> bool:
        return chat_id in self._chats

    def __len__(self) -> int:
        return len(self._chats)

    def __iter__(self) -> Iterator[KnownChat]:
        return iter(self._chats.values())

    def get(self, chat_id: str) -> KnownChat | None:
        return self._chats.get(chat_id)

    def active_chats(self) -> list[str]:
        """Group chats the bot is in now (dialogs left out)."""
        return [c.chat_id for c in self._chats.values() if c.active and not c.is_private]

    def observe(self, event: Event) -> KnownChat | None:
        """Update from one event; returns the changed record, or None if nothing changed.

        `last_seen` alone is not reported as a change, so persisting stays cheap.
        """
        if event.platform != "max" or not event.chat_id:
            return None
        old = self._chats.get(event.chat_id)
        if event.kind is EventKind.BOT_REMOVED:
            new = replace(old or KnownChat(event.chat_id), active=False, last_seen=event.timestamp)
        elif event.kind is EventKind.BOT_ADDED:
            # A re-added bot must check its rights afresh: forget the old request.
            new = KnownChat(event.chat_id, last_seen=event.timestamp)
        elif old is None or not old.active:
            base = old or KnownChat(event.chat_id, is_private=event.is_private)
            new = replace(base, active=True, last_seen=event.timestamp)
        else:
            self._chats[event.chat_id] = replace(old, last_seen=max(old.last_seen, event.timestamp))
            return None
        return self._put(new) if new != old else None

    def forget(self, chat_id: str) -> KnownChat | None:
        """Mark a chat gone, e.g. after 404 `chat.not.found` (NOTES §8.2)."""
        old = self._chats.get(chat_id)
        if old is None or not old.active:
            return None
        return self._put(replace(old, active=False))

    def should_request_rights(self, chat_id: str, missing: Iterable[str]) -> bool:
        """True once per distinct shortfall, so a chat is asked once, not on every check."""
        wanted = tuple(sorted(missing))
        old = self._chats.get(chat_id) or KnownChat(chat_id)
        if wanted == old.missing_rights:
            return False
        self._put(replace(old, missing_rights=wanted))
        return bool(wanted)

    def _put(self, chat: KnownChat) -> KnownChat:
        self._chats[chat.chat_id] = chat
        if self._on_change is not None:
            self._on_change(chat)
        return chat
