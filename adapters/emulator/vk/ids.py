"""VK's id spaces (NOTES §0): users positive, the community negative, chats 2e9+n."""

from __future__ import annotations

from adapters.emulator.errors import Refusal, WorldError
from adapters.emulator.model import BOT, Chat, Conversation
from adapters.emulator.world import World

__all__ = ["CHAT_BASE", "VkIds"]

CHAT_BASE = 2_000_000_000


class VkIds:
    """Translation between world ids and the ids a VK community bot sees."""

    def __init__(self, group_id: int) -> None:
        self.group_id = group_id

    def owner(self, user_id: int) -> int:
        """A user's VK id; the bot is `-group_id`."""
        return -self.group_id if user_id == BOT else user_id

    def world_user(self, owner_id: int) -> int:
        return BOT if owner_id == -self.group_id else owner_id

    @staticmethod
    def peer(conversation: Conversation) -> int:
        return CHAT_BASE + conversation.id if isinstance(conversation, Chat) else conversation.id

    @staticmethod
    def conversation(world: World, peer_id: int) -> Conversation:
        """The chat or dialog for a peer id; raises WorldError if there is none."""
        if peer_id > CHAT_BASE:
            return world.chat(peer_id - CHAT_BASE)
        if peer_id > 0:
            return world.dialog(peer_id)
        raise WorldError(Refusal.NO_USER, f"peer {peer_id} is not a user or a chat")
