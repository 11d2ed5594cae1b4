"""Why the world refused something, in neutral terms a front maps to its own codes."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Refusal", "WorldError"]


class Refusal(StrEnum):
    """The reasons the world refuses an action."""

    NO_USER = "no_user"
    NO_CHAT = "no_chat"
    NO_MESSAGE = "no_message"
    NOT_MEMBER = "not_member"
    ALREADY_MEMBER = "already_member"
    BOT_NOT_MEMBER = "bot_not_member"
    BOT_NOT_ADMIN = "bot_not_admin"
    ACCESS_DENIED = "access_denied"
    PRIVACY = "privacy"
    BLOCKED = "blocked"
    NO_PRESS = "no_press"
    INVALID = "invalid"


class WorldError(Exception):
    """The world refused an action; `reason` says why, the text says which thing."""

    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(detail or reason.value)
        self.reason = reason
        self.detail = detail or reason.value
