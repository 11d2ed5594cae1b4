"""The seam between etiket and a messenger: normalized events and the adapter protocol.

Adapters turn their platform's raw updates into `Event`s and carry out the few calls
moderation needs. Nothing in `bot/` imports a messenger module; it sees only this file
and `adapters.errors`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "Button",
    "Capabilities",
    "CursorStore",
    "Event",
    "EventKind",
    "EventSource",
    "Keyboard",
    "Member",
    "MessengerAdapter",
]


class EventKind(StrEnum):
    """What happened; the only kinds an adapter may produce."""

    MESSAGE = "message"
    MESSAGE_EDITED = "message_edited"
    MEMBER_JOINED = "member_joined"
    MEMBER_LEFT = "member_left"
    BUTTON = "button"
    BOT_ADDED = "bot_added"
    BOT_REMOVED = "bot_removed"


@dataclass(frozen=True, slots=True)
class Event:
    """One normalized update.

    Ids are strings on every platform. `actor_id` is who caused a membership change
    (the inviter of a join, the remover of a removal); for messages and presses it
    equals `user_id`. `event_id` is the platform's own id of the delivery, used for
    dedup; `reply_to_*` describe the message this one answers, if any.
    """

    platform: str
    kind: EventKind
    chat_id: str
    user_id: str
    message_id: str = ""
    actor_id: str = ""
    text: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)
    is_private: bool = False
    timestamp: float = 0.0
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    event_id: str = ""
    reply_to_message_id: str = ""
    reply_to_user_id: str = ""
    mentions: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """A dedup key that is unique per platform; falls back to the message identity."""
        if self.event_id:
            return f"{self.platform}:{self.event_id}"
        return f"{self.platform}:{self.kind}:{self.chat_id}:{self.message_id}:{self.user_id}"


@dataclass(frozen=True, slots=True)
class Button:
    """An inline callback button; `payload` comes back in the `button` event."""

    text: str
    payload: Mapping[str, Any]
    style: str = "secondary"  # primary | secondary | positive | negative


@dataclass(frozen=True, slots=True)
class Keyboard:
    """Rows of inline buttons attached to one message."""

    rows: tuple[tuple[Button, ...], ...]

    @classmethod
    def of(cls, *rows: Sequence[Button]) -> Keyboard:
        return cls(tuple(tuple(row) for row in rows))


@dataclass(frozen=True, slots=True)
class Member:
    """A chat member as the platform reports it."""

    user_id: str
    is_admin: bool = False
    is_owner: bool = False
    name: str = ""
    is_bot: bool = False
    """A bot or community account (the bot itself among them): never a moderator to
    notify, never a person to warn."""


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a platform can and cannot do; handlers decide by these, never by platform name."""

    can_readd_member: bool
    """The bot may put a removed member back (MAX yes, subject to privacy; VK no)."""
    can_delete_for_all: bool
    """Messages of others can be deleted for everyone when the bot is a chat admin."""
    native_mute: bool
    """A platform-side mute exists; when False a mute means deleting new messages."""
    block_on_remove: bool
    """Removal can also forbid re-joining by link."""
    needs_admin_to_read: bool
    """In groups the bot sees messages only as an admin (MAX's read_all_messages)."""
    max_text_length: int
    """Longer texts are split by the adapter."""
    batch_calls: int = 1
    """How many calls one request can carry (VK `execute`: 25)."""
    admins_in_members: bool = False
    """The member list marks admins, and the admin list is drawn from it (VK): one call
    answers both, so callers that need both should ask for the members."""


@runtime_checkable
class MessengerAdapter(Protocol):
    """The calls moderation needs, on any messenger.

    Every call goes through the adapter's outbound queue (rate limit, retry, error map)
    and raises an `adapters.errors.MessengerError` subclass on failure.
    """

    platform: str
    capabilities: Capabilities

    async def send_message(
        self,
        chat_id: str,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        reply_to: str | None = None,
        dedup_key: str | None = None,
    ) -> str:
        """Post to a chat; returns the new message id (the last one if split).

        `dedup_key` names this send for good (the outbox row's key): where the
        platform deduplicates sends (VK's `random_id`), repeating a send with the same
        key after a crash posts nothing new."""
        ...

    async def send_private(
        self,
        user_id: str,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        dedup_key: str | None = None,
    ) -> str:
        """Write to a person directly; raises `PrivacyRefused` if they do not allow it."""
        ...

    async def delete_messages(self, chat_id: str, message_ids: Sequence[str]) -> None:
        """Delete messages for everyone."""
        ...

    async def pin_message(self, chat_id: str, message_id: str) -> None:
        """Pin a message (an id `send_message` returned); needs chat admin (`NotAdmin`)."""
        ...

    async def remove_member(self, chat_id: str, user_id: str, *, block: bool = False) -> bool:
        """Remove someone; returns whether `block` was applied. Already gone counts as done."""
        ...

    async def add_member(self, chat_id: str, user_id: str) -> None:
        """Put a removed member back; raises `NotSupported` or `PrivacyRefused`."""
        ...

    async def invite_link(self, chat_id: str, *, reset: bool = False) -> str:
        """A link by which a person can join the chat themselves."""
        ...

    async def list_members(self, chat_id: str) -> list[Member]:
        """Everyone in the chat, with admin and owner flags."""
        ...

    async def list_admins(self, chat_id: str) -> list[Member]:
        """The chat's admins (owner included)."""
        ...

    async def answer_button(self, event: Event, text: str | None = None) -> None:
        """Acknowledge a button press, optionally with a short notice for the presser only."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class SentLookup(Protocol):
    """An adapter's optional `lookup`, where the platform has no idempotency key for a
    send (MAX): whether a send cut off by a crash went out, read back from the chat.

    Each lookup returns the message id found, or None (not found, or cannot tell)."""

    async def in_chat(self, chat_id: str, text: str, since: float) -> str | None:
        """The bot's message with `text` posted in `chat_id` at or after `since`."""
        ...

    async def in_dialog(
        self, user_id: str, text: str, since: float, dialog: str | None = None
    ) -> str | None:
        """The same for a private send: in `dialog` (an earlier send reported it) or
        the dialog this process learned."""
        ...

    def dialog_of(self, user_id: str) -> str | None:
        """The dialog a private send to `user_id` from this process went to, if any."""
        ...


@runtime_checkable
class CursorStore(Protocol):
    """Durable long-poll positions (VK `ts`, MAX `marker`), one per bot and stream."""

    async def load_cursor(self, key: str) -> str | None: ...

    async def save_cursor(self, key: str, value: str) -> None: ...


BatchHandler = Callable[[Sequence[Event]], Awaitable[None]]


@runtime_checkable
class EventSource(Protocol):
    """Where events come from: long polling or webhooks.

    `run` hands each batch to `handle` and only then records the cursor, so that a
    crash replays a batch rather than skipping it (dedup makes the replay harmless).
    """

    async def run(self, handle: BatchHandler) -> None: ...

    async def stop(self) -> None: ...
