"""What the bot may do in the world, checked as a real server checks it.

Membership, chat admin rights and privacy are enforced here; fronts map the
refusals to their platform's error codes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.emulator.errors import Refusal, WorldError
from adapters.emulator.model import (
    BOT,
    Chat,
    Conversation,
    Dialog,
    Keyboard,
    Message,
    Notification,
)

if TYPE_CHECKING:
    from adapters.emulator.world import World

__all__ = ["BotSide"]


class BotSide:
    """The bot's actions; `world.bot` is one of these."""

    def __init__(self, world: World) -> None:
        self.world = world

    def require(self, chat: Chat, admin: bool = False) -> None:
        if not chat.bot_is_member:
            raise WorldError(Refusal.BOT_NOT_MEMBER, "the bot is not in the chat")
        if admin and not chat.bot_is_admin:
            raise WorldError(Refusal.BOT_NOT_ADMIN, "the bot is not a chat admin")

    def send(
        self,
        conversation: Conversation,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        reply_to: int | None = None,
        forwarded: tuple[int, ...] = (),
        dedup_key: int | None = None,
        silent: bool = False,
    ) -> Message:
        """Send as the bot; a repeated `dedup_key` returns the first message unchanged."""
        if dedup_key:
            earlier = conversation.dedup.get((BOT, dedup_key))
            if earlier is not None:
                return earlier
        if isinstance(conversation, Chat):
            self.require(conversation)
        elif isinstance(conversation, Dialog):
            if not (
                conversation.opened_by_user or self.world.user(conversation.id).allows_messages
            ):
                raise WorldError(Refusal.PRIVACY, "the user does not accept messages")
        if reply_to is not None:
            self.world.message(conversation, reply_to)
        message = self.world.store(conversation, BOT, text, reply_to=reply_to, keyboard=keyboard)
        message.forwarded, message.silent, message.dedup_key = forwarded, silent, dedup_key
        if dedup_key:
            conversation.dedup[(BOT, dedup_key)] = message
        return message

    def edit(
        self,
        conversation: Conversation,
        message_id: int,
        text: str,
        keyboard: Keyboard | None = None,
    ) -> Message:
        message = self.world.message(conversation, message_id)
        if message.from_id != BOT or message.deleted:
            raise WorldError(Refusal.ACCESS_DENIED, "the bot can edit only its own messages")
        message.text, message.update_time = text, self.world.now()
        if keyboard is not None:
            message.keyboard = keyboard if keyboard.rows else None
        return message

    def delete(self, conversation: Conversation, message_id: int, for_all: bool) -> Message:
        """Delete for everyone; others' chat messages need admin rights, as in both messengers."""
        message = self.world.message(conversation, message_id)
        if isinstance(conversation, Chat):
            self.require(conversation)
            if for_all and message.from_id != BOT and not conversation.bot_is_admin:
                raise WorldError(Refusal.BOT_NOT_ADMIN, "the bot is not a chat admin")
        if for_all:
            message.deleted = True
        return message

    def pin(self, chat: Chat, message_id: int) -> Message:
        """Pin a message; a new pin replaces the old. Both platforms require admin rights."""
        self.require(chat, admin=True)
        message = self.world.message(chat, message_id)
        if message.deleted or message.action is not None:
            raise WorldError(Refusal.NO_MESSAGE, f"message {message_id} cannot be pinned")
        chat.pinned = message_id
        return message

    def kick(self, chat: Chat, member_id: int, block: bool = False) -> Message:
        """Remove; MAX's `block` bars a rejoin by link, and only where a link exists (NOTES §5)."""
        if member_id == BOT:
            self.require(chat)
            return self.world.leave(chat, BOT)
        self.require(chat, admin=True)
        member = chat.members.get(member_id)
        if member is None:
            raise WorldError(Refusal.NOT_MEMBER, f"{member_id} is not in the chat")
        if member.is_owner or member.is_admin:
            raise WorldError(Refusal.ACCESS_DENIED, "admins and the owner cannot be removed")
        if block and chat.invite_link:
            chat.blocked.add(member_id)
        return self.world.leave(chat, member_id, by=BOT)

    def add_member(self, chat: Chat, user_id: int) -> Message:
        """Add a person (MAX can, VK cannot); their privacy may refuse it (NOTES §5)."""
        self.require(chat, admin=True)
        user = self.world.user(user_id)
        if user_id in chat.members:
            raise WorldError(Refusal.ALREADY_MEMBER, f"{user_id} is already in the chat")
        if not user.allows_invites:
            raise WorldError(Refusal.PRIVACY, f"{user_id} does not allow being added to chats")
        return self.world.join(chat, user_id, by=BOT)

    def invite_link(self, chat: Chat, reset: bool) -> str:
        self.require(chat, admin=True)
        if reset:
            chat.invite_link = self.world.new_link()
        return chat.invite_link

    def answer_press(self, event_id: str, user_id: int, data: Any) -> Notification:
        press = self.world.presses.pop(event_id, None)
        if press is None or press.user_id != user_id:
            raise WorldError(Refusal.NO_PRESS, f"no open press {event_id} by {user_id}")
        note = Notification(event_id, press.conversation, data, self.world.now())
        self.world.notifications.setdefault(user_id, []).append(note)
        return note
