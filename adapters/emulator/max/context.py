"""One bot request as the MAX method handlers see it: parsed query, JSON body, the world."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from adapters.emulator.errors import Refusal, WorldError
from adapters.emulator.max.errors import MaxApiError
from adapters.emulator.model import Chat, Conversation
from adapters.emulator.world import World

if TYPE_CHECKING:
    from adapters.emulator.max.front import MaxFront

__all__ = ["MaxCall"]


def bad(detail: str) -> MaxApiError:
    return MaxApiError(400, "proto.payload", detail)


@dataclass(slots=True)
class MaxCall:
    """What a handler needs; `front` holds ids, rights and subscriptions."""

    front: MaxFront
    request: web.Request
    query: dict[str, str]
    body: Any

    @property
    def world(self) -> World:
        return self.front.hub.world

    def integer(self, name: str, default: int | None = None) -> int:
        raw = self.query.get(name)
        if raw is None:
            if default is None:
                raise bad(f"missing required query parameter {name}")
            return default
        try:
            return int(raw)
        except ValueError:
            raise bad(f"{name} must be an integer, got {raw!r}") from None

    def flag(self, name: str) -> bool:
        """Booleans are `true`/`false` on the wire (schema: `block`)."""
        raw = self.query.get(name, "false").lower()
        if raw not in ("true", "false"):
            raise bad(f"{name} must be true or false")
        return raw == "true"

    def json(self) -> dict[str, Any]:
        if not isinstance(self.body, dict):
            raise bad("the body must be a JSON object")
        return self.body

    def conversation(self) -> Conversation:
        """The chat named by the `{chat_id}` path segment."""
        raw = self.request.match_info["chat_id"]
        try:
            chat_id = int(raw)
        except ValueError:
            raise bad(f"chat id must be an integer, got {raw!r}") from None
        return self.front.ids.conversation(self.world, chat_id)

    def chat(self) -> Chat:
        conversation = self.conversation()
        if not isinstance(conversation, Chat):
            raise WorldError(Refusal.INVALID, "this method is for group chats only")
        return conversation

    def require_right(self, chat: Chat, right: str) -> None:
        """403 unless the bot is an admin holding `right` (NOTES §5 table)."""
        self.world.bot.require(chat, admin=True)
        if right not in self.front.rights(chat):
            raise MaxApiError(403, "access.denied", f"the bot lacks the {right} right")
