"""What a method implementation gets: the world, VK ids and the typed params."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from adapters.emulator.errors import WorldError
from adapters.emulator.model import Chat, Conversation
from adapters.emulator.vk.errors import VkApiError, from_refusal
from adapters.emulator.vk.ids import CHAT_BASE, VkIds
from adapters.emulator.vk.longpoll import LongPollServer
from adapters.emulator.world import World

__all__ = ["Call", "Method"]


@dataclass(slots=True)
class Call:
    """One method call; `base_url` is where this emulator is reached (for LP servers)."""

    world: World
    ids: VkIds
    params: dict[str, Any]
    group_name: str
    longpoll: LongPollServer
    base_url: str

    def conversation(self, peer_id: int, **codes: int) -> Conversation:
        try:
            return self.ids.conversation(self.world, peer_id)
        except WorldError as exc:
            raise from_refusal(exc, **codes) from None

    def chat(self, peer_id: int, **codes: int) -> Chat:
        """The chat for a chat peer id; a user peer is not a chat (917)."""
        if peer_id <= CHAT_BASE:
            raise VkApiError(917)
        conversation = self.conversation(peer_id, **codes)
        assert isinstance(conversation, Chat)
        return conversation


Method = Callable[[Call], Any]
