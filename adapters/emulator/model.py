"""The emulated messenger's state, in terms every platform shares.

Ids here are plain integers local to the emulator: users count from 101, chats
from 1, and a message's id is its position in its conversation (what VK calls the
conversation_message_id). A front maps them to the ids its platform shows the bot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "BOT",
    "Action",
    "ActionKind",
    "Button",
    "Chat",
    "Conversation",
    "Dialog",
    "Keyboard",
    "Member",
    "Message",
    "Notification",
    "Press",
    "User",
]

BOT = 0
"""The bot's id as an author or member; a front shows it its own way (VK: -group_id)."""


class ActionKind(StrEnum):
    """Service events that live in a chat's history as messages, as in VK and MAX."""

    INVITE = "invite"
    INVITE_BY_LINK = "invite_by_link"
    KICK = "kick"


@dataclass(slots=True)
class User:
    """A person; `allows_messages` is whether the bot may write to them first,
    `allows_invites` whether others may add them to a chat (MAX privacy, NOTES §5)."""

    id: int
    first_name: str
    last_name: str = ""
    allows_messages: bool = True
    allows_invites: bool = True

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class Action:
    """Who joined or left; `member_id` is the subject, the message author the actor."""

    kind: ActionKind
    member_id: int


@dataclass(frozen=True, slots=True)
class Button:
    """A keyboard button; `payload` is already decoded (callback buttons carry one)."""

    kind: str
    label: str = ""
    payload: Any = None
    color: str = ""
    link: str = ""


@dataclass(frozen=True, slots=True)
class Keyboard:
    """Rows of buttons under a message (inline) or in the input area."""

    rows: tuple[tuple[Button, ...], ...]
    inline: bool = True
    one_time: bool = False

    def callback(self, payload: Any = None, label: str | None = None) -> Button | None:
        """The callback button a person could press, by payload or by label."""
        for row in self.rows:
            for button in row:
                if button.kind != "callback":
                    continue
                if (label is not None and button.label == label) or (
                    label is None and button.payload == payload
                ):
                    return button
        return None


@dataclass(slots=True)
class Message:
    """One message; `id` counts from 1 inside its conversation."""

    id: int
    from_id: int
    text: str
    date: int
    mailbox_id: int = 0
    reply_to: int | None = None
    forwarded: tuple[int, ...] = ()
    keyboard: Keyboard | None = None
    payload: str | None = None
    action: Action | None = None
    deleted: bool = False
    dedup_key: int | None = None
    silent: bool = False
    update_time: int = 0


@dataclass(slots=True)
class Member:
    """A chat membership; the bot is a member too, keyed by `BOT`."""

    user_id: int
    join_date: int
    invited_by: int | None = None
    is_admin: bool = False
    is_owner: bool = False


@dataclass(slots=True)
class Conversation:
    """Anything messages are posted to: a group chat or a private dialog."""

    id: int
    messages: list[Message] = field(default_factory=list)
    dedup: dict[tuple[int, int], Message] = field(default_factory=dict)

    is_chat = False

    def message(self, message_id: int) -> Message | None:
        if 1 <= message_id <= len(self.messages):
            return self.messages[message_id - 1]
        return None

    def append(self, message: Message) -> Message:
        self.messages.append(message)
        return message

    @property
    def next_id(self) -> int:
        return len(self.messages) + 1


@dataclass(slots=True)
class Chat(Conversation):
    """A group chat; `id` is its small local number (VK: peer_id - 2000000000).

    `invite_link` is empty for a chat without a join link; `blocked` are people
    removed with MAX's `block=true`, who may not come back through the link;
    `pinned` is the pinned message's number (one per chat on both platforms).
    """

    title: str = ""
    members: dict[int, Member] = field(default_factory=dict)
    invite_link: str = ""
    blocked: set[int] = field(default_factory=set)
    pinned: int | None = None

    is_chat = True

    @property
    def bot_is_member(self) -> bool:
        return BOT in self.members

    @property
    def bot_is_admin(self) -> bool:
        bot = self.members.get(BOT)
        return bot is not None and bot.is_admin


@dataclass(slots=True)
class Dialog(Conversation):
    """A private dialog between one user and the bot; `id` is the user's id."""

    opened_by_user: bool = False


@dataclass(frozen=True, slots=True)
class Press:
    """A button press the bot may answer once (VK sendMessageEventAnswer)."""

    event_id: str
    user_id: int
    conversation: Conversation
    message_id: int
    payload: Any


@dataclass(frozen=True, slots=True)
class Notification:
    """What the bot showed a person in answer to a press (a snackbar, a link)."""

    event_id: str
    conversation: Conversation
    data: Any
    date: int
