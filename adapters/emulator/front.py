"""What the shared parts (control API, snapshots) need from a platform front.

A front owns everything platform-specific: how ids look to the bot, the bot-facing
HTTP API and how world events become platform updates. VK is the first front;
MAX will be the second, behind the same protocol.
"""

from __future__ import annotations

from typing import Protocol

from aiohttp import web

from adapters.emulator.model import Conversation

__all__ = ["Front"]


class Front(Protocol):
    """A platform's face of the emulator; ids in and out are what the bot sees."""

    platform: str

    def user_ref(self, user_id: int) -> str:
        """The bot-visible id of a user (or of the bot itself, `model.BOT`)."""
        ...

    def parse_user(self, ref: object) -> int:
        """A world user id from a bot-visible one; raises ValueError if malformed."""
        ...

    def conversation_ref(self, conversation: Conversation) -> str:
        """The bot-visible chat id of a chat or a private dialog."""
        ...

    def parse_conversation(self, ref: object) -> Conversation:
        """The chat or dialog a bot-visible id names; raises WorldError or ValueError."""
        ...

    def message_ref(self, conversation: Conversation, message_id: int) -> str:
        """The bot-visible id of a message."""
        ...

    def parse_message(self, conversation: Conversation, ref: object) -> int:
        """A message's number in its conversation from a bot-visible id."""
        ...

    def install(self, app: web.Application) -> None:
        """Add the bot-facing routes and background tasks to `app`."""
        ...

    def reset(self) -> None:
        """Forget platform state tied to the old world (long-poll keys, cursors)."""
        ...
