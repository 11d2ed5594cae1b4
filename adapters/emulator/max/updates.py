"""World events as MAX `Update`s (NOTES §3.3), shared by `/updates` and webhooks.

Each event is rendered once and cached by seq, so a redelivery (a duplicate fault,
a replayed marker, a webhook retry) carries the very same `timestamp`: clients
dedupe on it (NOTES §3.2). Timestamps are milliseconds and strictly increasing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adapters.emulator.events import EventKind, WorldEvent
from adapters.emulator.max.ids import MaxIds
from adapters.emulator.max.shapes import message_object, user_object, wire_payload
from adapters.emulator.model import BOT, ActionKind, Chat, Dialog
from adapters.emulator.world import World

__all__ = ["UpdateRenderer"]

Rights = Callable[[Chat], tuple[str, ...]]
LOCALE = "ru"


class UpdateRenderer:
    """Renders events for one bot; `rights(chat)` are the bot's admin rights there."""

    def __init__(
        self, world: Callable[[], World], ids: MaxIds, rights: Rights, cache_size: int = 50_000
    ) -> None:
        self.world = world
        self.ids = ids
        self.rights = rights
        self.cache_size = cache_size
        self._cache: dict[int, dict[str, Any] | None] = {}
        self._last_ms = 0

    def render(self, event: WorldEvent) -> dict[str, Any] | None:
        """The update for `event`, or None if this bot would not be told of it."""
        if event.seq not in self._cache:
            if len(self._cache) >= self.cache_size:
                self._cache.clear()
            self._cache[event.seq] = self._render(event)
        return self._cache[event.seq]

    def reset(self) -> None:
        self._cache.clear()

    def _stamp(self) -> int:
        self._last_ms = max(int(self.world().clock() * 1000), self._last_ms + 1)
        return self._last_ms

    def _render(self, event: WorldEvent) -> dict[str, Any] | None:
        world, conversation, message = self.world(), event.conversation, event.message
        action = message.action if message is not None else None
        if isinstance(conversation, Chat) and action is not None and action.member_id == BOT:
            return self._bot_membership(event, conversation)
        if isinstance(conversation, Chat) and not self._hears(conversation):
            return None
        update: dict[str, Any]
        if event.kind is EventKind.BUTTON_PRESS:
            update = {
                "update_type": "message_callback",
                "callback": {
                    "timestamp": 0,
                    "callback_id": event.press_id,
                    "payload": wire_payload(event.payload),
                    "user": user_object(world, self.ids, event.user_id),
                },
                "message": None,
            }
            if message is not None and not message.deleted:
                update["message"] = message_object(world, self.ids, conversation, message)
        elif message is None:
            return None
        elif isinstance(conversation, Chat) and action is not None:
            update = self._membership(event, conversation)
        elif event.kind is EventKind.MESSAGE_EDIT:
            update = {
                "update_type": "message_edited",
                "message": message_object(world, self.ids, conversation, message),
            }
        else:
            update = {
                "update_type": "message_created",
                "message": message_object(world, self.ids, conversation, message),
            }
        if isinstance(conversation, Dialog):
            update["user_locale"] = LOCALE  # NOTES §3.3: locale comes in dialogs
        update["timestamp"] = self._stamp()
        if "callback" in update:
            update["callback"]["timestamp"] = update["timestamp"]
        return update

    def _hears(self, chat: Chat) -> bool:
        """NOTES §0, §7 (Go #164): in a group only an admin with read_all_messages hears more
        than bot_added/bot_removed; not even mentions or presses reach a plain member."""
        return chat.bot_is_member and "read_all_messages" in self.rights(chat)

    def _membership(self, event: WorldEvent, chat: Chat) -> dict[str, Any]:
        assert event.message is not None and event.message.action is not None
        member, author = event.message.action.member_id, event.message.from_id
        update: dict[str, Any] = {
            "chat_id": self.ids.chat_id(chat),
            "user": user_object(self.world(), self.ids, member),
            "is_channel": False,
        }
        if event.message.action.kind is ActionKind.KICK:
            update["update_type"] = "user_removed"
            if author != member:  # absent when the person left on their own (NOTES §3.3)
                update["admin_id"] = self.ids.user(author)
        else:
            update["update_type"] = "user_added"
            by_link = event.message.action.kind is ActionKind.INVITE_BY_LINK
            update["inviter_id"] = None if by_link else self.ids.user(author)
        return update

    def _bot_membership(self, event: WorldEvent, chat: Chat) -> dict[str, Any]:
        """bot_added/bot_removed: `user` is who added or removed the bot (NOTES §3.3)."""
        assert event.message is not None and event.message.action is not None
        removed = event.message.action.kind is ActionKind.KICK
        return {
            "update_type": "bot_removed" if removed else "bot_added",
            "timestamp": self._stamp(),
            "chat_id": self.ids.chat_id(chat),
            "user": user_object(self.world(), self.ids, event.message.from_id),
            "is_channel": False,
        }
