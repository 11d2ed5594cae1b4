"""World events as Bots Long Poll / Callback API updates (NOTES §2, API 5.199).

`message_new` wraps the message with `client_info`; `message_edit` carries the
message object itself, as the docs describe; a button press is `message_event`
with the payload already decoded (the schema types it as a string, NOTES §1).
"""

from __future__ import annotations

import re
from typing import Any

from adapters.emulator.events import EventKind, WorldEvent
from adapters.emulator.model import BOT, Chat
from adapters.emulator.vk.ids import VkIds
from adapters.emulator.vk.shapes import message_object

__all__ = ["API_VERSION", "UpdateRenderer"]

API_VERSION = "5.199"
CLIENT_INFO: dict[str, Any] = {
    "button_actions": [
        "text",
        "vkpay",
        "open_app",
        "location",
        "open_link",
        "callback",
        "intent_subscribe",
        "intent_unsubscribe",
    ],
    "keyboard": True,
    "inline_keyboard": True,
    "carousel": True,
    "lang_id": 0,
}


class UpdateRenderer:
    """Renders each event once (updates are cached by seq for many pollers and retries)."""

    def __init__(self, ids: VkIds, epoch: str, cache_size: int = 50_000) -> None:
        self.ids = ids
        self.epoch = epoch
        self.cache_size = cache_size
        self._cache: dict[int, dict[str, Any] | None] = {}
        gid = ids.group_id
        self._mention = re.compile(rf"\[(club|public){gid}\||@(club|public){gid}\b")

    def render(self, event: WorldEvent) -> dict[str, Any] | None:
        """The update for `event`, or None if a VK bot would not be told of it."""
        if event.seq in self._cache:
            return self._cache[event.seq]
        if len(self._cache) >= self.cache_size:
            self._cache.clear()
        update = self._render(event)
        self._cache[event.seq] = update
        return update

    def _render(self, event: WorldEvent) -> dict[str, Any] | None:
        conversation, message = event.conversation, event.message
        obj: Any
        if event.kind is EventKind.BUTTON_PRESS:
            obj = {
                "user_id": self.ids.owner(event.user_id),
                "peer_id": self.ids.peer(conversation),
                "event_id": event.press_id,
                "payload": event.payload,
                "conversation_message_id": message.id if message else 0,
            }
            kind = "message_event"
        elif message is None or not self._visible(event):
            return None
        elif event.kind is EventKind.MESSAGE_EDIT:
            obj, kind = message_object(self.ids, conversation, message), "message_edit"
        else:
            obj = {"message": message_object(self.ids, conversation, message)}
            obj["client_info"] = CLIENT_INFO
            kind = "message_new"
        return {
            "group_id": self.ids.group_id,
            "type": kind,
            "event_id": f"{self.epoch}{event.seq:032x}",
            "v": API_VERSION,
            "object": obj,
        }

    def _visible(self, event: WorldEvent) -> bool:
        """Without admin rights a chat bot hears only service messages and mentions (NOTES §2)."""
        chat, message = event.conversation, event.message
        if not isinstance(chat, Chat) or message is None or message.action is not None:
            return True
        if not chat.bot_is_member:
            return False
        if chat.bot_is_admin or self._mention.search(message.text):
            return True
        replied = chat.message(message.reply_to) if message.reply_to else None
        return replied is not None and replied.from_id == BOT

    def reset(self) -> None:
        self._cache.clear()
