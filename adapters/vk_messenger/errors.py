"""VK error codes to etiket's typed errors (NOTES §6).

A plain `dict[int, type]` (STYLE: simpler than vkbottle's metaclass trick). The class
decides what the outbound queue does: `TransientError` and `RateLimited` are retried
with backoff, everything else fails the call at once. Codes not listed are a plain
`MessengerError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.errors import (
    AuthFailed,
    FloodControl,
    InvalidRequest,
    MessengerError,
    NotAdmin,
    NotFound,
    NotSupported,
    PrivacyRefused,
    RateLimited,
    TransientError,
)

__all__ = ["ALREADY_GONE", "VK_ERRORS", "error_from", "vk_error"]

ALREADY_GONE = 935
"""`messages.removeChatUser`: the user is not in the chat; a removal counts as done."""

VK_ERRORS: dict[int, type[MessengerError]] = {
    1: TransientError,  # unknown error: retry with backoff, limited
    10: TransientError,  # internal server error
    6: RateLimited,  # too many requests per second
    9: FloodControl,  # same text too often: never hot-retry
    14: FloodControl,  # captcha: rare for group tokens; waiting is the only answer
    29: FloodControl,  # per-method daily quota (seen on getLongPollServer loops)
    5: AuthFailed,  # user authorization failed: token revoked
    27: AuthFailed,  # group authorization failed
    28: AuthFailed,  # application authorization failed
    7: NotAdmin,  # permission denied
    15: NotAdmin,  # access denied, e.g. kicking the owner or an admin
    917: NotAdmin,  # no access to this chat: the bot is not a chat admin
    919: NotAdmin,  # can't see the invite link
    924: NotAdmin,  # can't delete for everybody: not admin (or message too old)
    925: NotAdmin,  # not admin of this chat
    931: NotAdmin,  # can't change the invite link
    1012: NotAdmin,  # writing is disabled for this chat
    30: PrivacyRefused,  # private profile
    900: PrivacyRefused,  # the user blacklisted the community
    901: PrivacyRefused,  # the user never allowed the community's messages
    902: PrivacyRefused,  # privacy settings
    932: PrivacyRefused,  # the community can't interact with this peer
    18: NotFound,  # user deleted or banned
    104: NotFound,
    927: NotFound,  # chat does not exist
    935: NotFound,  # user not in chat
    936: NotFound,  # contact not found
    945: NotFound,  # chat was disabled
    912: NotSupported,  # bot capabilities are switched off in the community settings
    946: NotSupported,  # chat not supported
    12: InvalidRequest,  # execute: compile error
    13: InvalidRequest,  # execute: runtime error
    100: InvalidRequest,
    113: InvalidRequest,  # invalid user id
    911: InvalidRequest,  # keyboard format
    914: InvalidRequest,  # message too long
    921: InvalidRequest,  # can't forward these messages
    942: InvalidRequest,  # messages.pin: a one-time story cannot be pinned
    970: InvalidRequest,  # messages.pin: an expiring message cannot be pinned
}


def vk_error(code: int, message: str, method: str = "") -> MessengerError:
    """The typed exception for one VK error code."""
    cls = VK_ERRORS.get(code, MessengerError)
    return cls(f"VK error {code}: {message}", code=code, method=method)


def error_from(error: Any, method: str = "") -> MessengerError:
    """Read any of VK's three error shapes.

    The top-level envelope (`error_code`/`error_msg`), an `execute_errors[]` item (same
    keys plus `method`), or a per-item error in list answers (`code`/`description`).
    """
    if not isinstance(error, Mapping):
        return MessengerError(f"VK error: {error!r}", method=method)
    code = error.get("error_code", error.get("code"))
    text = error.get("error_msg", error.get("description", ""))
    name = error.get("method")
    if type(code) is not int:
        return MessengerError(f"VK error without a code: {text}", method=method)
    return vk_error(code, str(text), name if isinstance(name, str) and name else method)
