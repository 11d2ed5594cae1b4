"""MAX's id spaces (NOTES §2): group chats negative int64, dialogs and users positive,
message ids opaque `mid.<hex>` strings, times in milliseconds.

A `mid` must name its conversation on its own, because `DELETE /messages` and
`PUT /messages` carry nothing else; so it packs the kind, the conversation and the
message's number in the world as 32 hex digits, the length real mids have.
"""

from __future__ import annotations

import re

from adapters.emulator.errors import Refusal, WorldError
from adapters.emulator.model import BOT, Chat, Conversation, Dialog
from adapters.emulator.world import World

__all__ = ["CHAT_BASE", "DIALOG_BASE", "MaxIds"]

CHAT_BASE = 70_000_000_000  # chat 1 is -70000000001, like the -708010904030xx seen live
DIALOG_BASE = 90_000_000_000  # a dialog's chat_id differs from its user's id, as in MAX
SEQ_BASE = 116_327_994_376_900_000  # seqs are large int64s (NOTES §2: ~1.16e17)
_MID = re.compile(r"mid\.([cd])([0-9a-f]{15})([0-9a-f]{16})")


class MaxIds:
    """Translation between world ids and what a MAX bot sees; the bot has its own user id."""

    def __init__(self, bot_user_id: int) -> None:
        self.bot_user_id = bot_user_id

    def user(self, user_id: int) -> int:
        return self.bot_user_id if user_id == BOT else user_id

    def world_user(self, user_id: int) -> int:
        return BOT if user_id == self.bot_user_id else user_id

    @staticmethod
    def chat_id(conversation: Conversation) -> int:
        if isinstance(conversation, Chat):
            return -(CHAT_BASE + conversation.id)
        return DIALOG_BASE + conversation.id

    @staticmethod
    def conversation(world: World, chat_id: int) -> Conversation:
        """A chat (negative id) or a dialog (its chat_id, or leniently its user's id)."""
        if chat_id < 0:
            return world.chat(-chat_id - CHAT_BASE)
        if chat_id > DIALOG_BASE:
            return world.dialog(chat_id - DIALOG_BASE)
        if chat_id > 0:
            return world.dialog(chat_id)
        raise WorldError(Refusal.NO_CHAT, f"no chat {chat_id}")

    @staticmethod
    def mid(conversation: Conversation, message_id: int) -> str:
        kind = "c" if isinstance(conversation, Chat) else "d"
        return f"mid.{kind}{conversation.id:015x}{message_id:016x}"

    @staticmethod
    def seq(message_id: int) -> int:
        return SEQ_BASE + message_id

    @staticmethod
    def locate(world: World, mid: str) -> tuple[Conversation, int]:
        """The conversation and message number a mid names; WorldError if unknown."""
        match = _MID.fullmatch(mid)
        if match is None:
            raise WorldError(Refusal.NO_MESSAGE, f"no message {mid}")
        kind, conv, number = match.group(1), int(match.group(2), 16), int(match.group(3), 16)
        conversation: Conversation = world.chat(conv) if kind == "c" else world.dialog(conv)
        world.message(conversation, number)
        return conversation, number

    @staticmethod
    def ms(seconds: int) -> int:
        return seconds * 1000

    @staticmethod
    def is_dialog(conversation: Conversation) -> bool:
        return isinstance(conversation, Dialog)
