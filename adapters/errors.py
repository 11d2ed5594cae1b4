"""Typed messenger errors.

MessengerError                  any failed call
├── TransientError              worth retrying after a pause (network, 5xx, VK 1/10)
│   └── RateLimited             the platform said too many requests (VK 6, MAX 429)
├── FloodControl                sent too much of the same; never hot-retried (VK 9, 29)
├── NotAdmin                    the bot lacks chat admin rights (VK 917/925, MAX 403)
├── PrivacyRefused              the person does not accept this from the bot
├── NotSupported                the platform cannot do this at all
├── NotFound                    no such chat, message or member
├── InvalidRequest              our request was malformed (VK 100, MAX 400)
└── AuthFailed                  the token is wrong or revoked (VK 5, MAX 401)
"""

from __future__ import annotations

__all__ = [
    "AuthFailed",
    "FloodControl",
    "InvalidRequest",
    "MessengerError",
    "NotAdmin",
    "NotFound",
    "NotSupported",
    "PrivacyRefused",
    "RateLimited",
    "TransientError",
]


class MessengerError(Exception):
    """A messenger call failed."""

    def __init__(self, message: str, *, code: int | str | None = None, method: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.method = method


class TransientError(MessengerError):
    """A failure that may go away on retry."""


class RateLimited(TransientError):
    """The platform's rate limit was hit."""


class FloodControl(MessengerError):
    """Flood control; retrying at once makes it worse."""


class NotAdmin(MessengerError):
    """The bot is not an admin of the chat, or lacks the needed right."""


class PrivacyRefused(MessengerError):
    """The person's privacy settings refuse this call."""


class NotSupported(MessengerError):
    """The platform has no way to do this."""


class NotFound(MessengerError):
    """The chat, message or member does not exist."""


class InvalidRequest(MessengerError):
    """The request itself was malformed."""


class AuthFailed(MessengerError):
    """The token is invalid."""
