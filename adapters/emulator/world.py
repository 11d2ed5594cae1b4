"""The world: people, chats and dialogs, changed by people (control API) and the bot.

Platform-neutral: fronts translate ids and codes. Every change the bot should hear
about is appended to `events`. People-side methods check what a real client would
(only members post, only listed buttons are pressed); bot-side methods check what
a real server would (membership, admin rights, privacy).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

from adapters.emulator.botside import BotSide
from adapters.emulator.errors import Refusal, WorldError
from adapters.emulator.events import EventKind, EventLog
from adapters.emulator.model import (
    BOT,
    Action,
    ActionKind,
    Chat,
    Conversation,
    Dialog,
    Member,
    Message,
    Notification,
    Press,
    User,
)

__all__ = ["World"]

FIRST_USER_ID = 101


class World:
    """Everything the emulated messenger knows; one bot per world."""

    def __init__(self, bot_name: str = "Школьный бот", clock: Callable[[], float] = time.time):
        self.bot_name = bot_name
        self.clock = clock
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.dialogs: dict[int, Dialog] = {}
        self.presses: dict[str, Press] = {}
        self.notifications: dict[int, list[Notification]] = {}
        self.events = EventLog()
        self.mailbox_seq = 0
        self.bot = BotSide(self)

    def now(self) -> int:
        return int(self.clock())

    # -- lookups -------------------------------------------------------------

    def user(self, user_id: int) -> User:
        user = self.users.get(user_id)
        if user is None:
            raise WorldError(Refusal.NO_USER, f"no user {user_id}")
        return user

    def chat(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise WorldError(Refusal.NO_CHAT, f"no chat {chat_id}")
        return chat

    def dialog(self, user_id: int) -> Dialog:
        self.user(user_id)
        dialog = self.dialogs.get(user_id)
        if dialog is None:
            dialog = self.dialogs[user_id] = Dialog(user_id)
        return dialog

    def message(self, conversation: Conversation, message_id: int) -> Message:
        message = conversation.message(message_id)
        if message is None:
            raise WorldError(Refusal.NO_MESSAGE, f"no message {message_id}")
        return message

    # -- people --------------------------------------------------------------

    def add_user(
        self, name: str, allows_messages: bool = True, allows_invites: bool = True
    ) -> User:
        first, _, last = name.strip().partition(" ")
        user_id = max(self.users, default=FIRST_USER_ID - 1) + 1
        user = self.users[user_id] = User(user_id, first or f"User{user_id}", last.strip())
        user.allows_messages, user.allows_invites = allows_messages, allows_invites
        return user

    def add_chat(
        self,
        title: str,
        member_ids: Iterable[int] = (),
        admin_ids: Iterable[int] = (),
        owner_id: int | None = None,
        bot_is_admin: bool = True,
    ) -> Chat:
        """A chat that already exists when the bot starts: no join events are sent."""
        admins = list(admin_ids)
        members = list(dict.fromkeys([*member_ids, *admins]))
        for user_id in members:
            self.user(user_id)
        owner = owner_id if owner_id is not None else next(iter(admins or members), None)
        if owner is not None and owner not in members:
            members.insert(0, self.user(owner).id)
        chat = Chat(max(self.chats, default=0) + 1, title=title)
        chat.invite_link = self.new_link()
        now = self.now()
        for user_id in members:
            chat.members[user_id] = Member(
                user_id, now, owner, user_id in admins or user_id == owner, user_id == owner
            )
        chat.members[BOT] = Member(BOT, now, owner, is_admin=bot_is_admin)
        self.chats[chat.id] = chat
        return chat

    def post(
        self, conversation: Conversation, from_id: int, text: str, reply_to: int | None = None
    ) -> Message:
        """A person writes in a chat or to the bot privately."""
        self.user(from_id)
        if isinstance(conversation, Chat) and from_id not in conversation.members:
            raise WorldError(Refusal.NOT_MEMBER, f"user {from_id} is not in the chat")
        if isinstance(conversation, Dialog):
            conversation.opened_by_user = True
        if reply_to is not None:
            self.message(conversation, reply_to)
        message = self.store(conversation, from_id, text, reply_to=reply_to)
        self.events.append(EventKind.MESSAGE_NEW, conversation, from_id, message)
        return message

    def edit(self, conversation: Conversation, message_id: int, text: str) -> Message:
        message = self.message(conversation, message_id)
        if message.from_id == BOT or message.action is not None:
            raise WorldError(Refusal.INVALID, "only a person's own message can be edited here")
        message.text, message.update_time = text, self.now()
        self.events.append(EventKind.MESSAGE_EDIT, conversation, message.from_id, message)
        return message

    def join(self, chat: Chat, user_id: int, by: int | None = None) -> Message:
        """`user_id` joins (the bot too, as BOT); `by` is the inviter, None means a link."""
        if user_id != BOT:
            self.user(user_id)
        if user_id in chat.members:
            raise WorldError(Refusal.ALREADY_MEMBER, f"{user_id} is already in the chat")
        if by is not None and by not in chat.members:
            raise WorldError(Refusal.NOT_MEMBER, f"inviter {by} is not in the chat")
        if by is None and user_id != BOT:
            if user_id in chat.blocked:
                raise WorldError(
                    Refusal.BLOCKED, f"{user_id} was removed with a block and cannot rejoin by link"
                )
            if not chat.invite_link:
                raise WorldError(Refusal.ACCESS_DENIED, "the chat has no invite link to join by")
        chat.blocked.discard(user_id)  # an explicit invitation lifts a block
        chat.members[user_id] = Member(user_id, self.now(), by)
        kind = ActionKind.INVITE if by is not None else ActionKind.INVITE_BY_LINK
        author = by if by is not None else user_id
        return self._service(chat, author, Action(kind, user_id))

    def leave(self, chat: Chat, user_id: int, by: int | None = None) -> Message:
        """`user_id` leaves (or is removed by `by`); the bot may be removed as BOT."""
        if user_id not in chat.members:
            raise WorldError(Refusal.NOT_MEMBER, f"{user_id} is not in the chat")
        del chat.members[user_id]
        author = by if by is not None else user_id
        return self._service(chat, author, Action(ActionKind.KICK, user_id))

    def set_admin(self, chat: Chat, user_id: int, is_admin: bool) -> None:
        member = chat.members.get(user_id)
        if member is None:
            raise WorldError(Refusal.NOT_MEMBER, f"{user_id} is not in the chat")
        member.is_admin = is_admin or member.is_owner

    def press(
        self,
        conversation: Conversation,
        user_id: int,
        message_id: int,
        payload: Any = None,
        label: str | None = None,
    ) -> Press:
        """A person presses a callback button the bot put on `message_id` (by payload or label)."""
        self.user(user_id)
        if isinstance(conversation, Chat) and user_id not in conversation.members:
            raise WorldError(Refusal.NOT_MEMBER, f"user {user_id} is not in the chat")
        message = self.message(conversation, message_id)
        button = (
            None
            if message.deleted or not message.keyboard
            else message.keyboard.callback(payload, label)
        )
        if button is None:
            raise WorldError(Refusal.NO_MESSAGE, "the message has no such callback button")
        payload = button.payload
        press = Press(secrets.token_hex(6), user_id, conversation, message_id, payload)
        self.presses[press.event_id] = press
        self.events.append(
            EventKind.BUTTON_PRESS, conversation, user_id, message, press.event_id, payload
        )
        return press

    # -- internals -----------------------------------------------------------

    def store(self, conversation: Conversation, from_id: int, text: str, **extra: Any) -> Message:
        mailbox_id = 0
        if isinstance(conversation, Dialog) or from_id == BOT:
            self.mailbox_seq += 1
            mailbox_id = self.mailbox_seq
        message = Message(conversation.next_id, from_id, text, self.now(), mailbox_id, **extra)
        return conversation.append(message)

    def _service(self, chat: Chat, author: int, action: Action) -> Message:
        message = self.store(chat, author, "", action=action)
        self.events.append(EventKind.MESSAGE_NEW, chat, author, message)
        return message

    @staticmethod
    def new_link() -> str:
        return secrets.token_urlsafe(16)
