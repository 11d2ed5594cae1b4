"""VK API errors as the emulator raises them: codes and texts from errors.json.

The envelope follows `base_error` (NOTES §6): HTTP 200 with
`{"error": {"error_code", "error_msg", "request_params": [{key, value}]}}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.emulator.errors import Refusal, WorldError

__all__ = ["ERROR_TEXTS", "VkApiError", "error_envelope", "from_refusal"]

ERROR_TEXTS = {
    1: "Unknown error occurred",
    3: "Unknown method passed",
    5: "User authorization failed",
    6: "Too many requests per second",
    8: "Invalid request",
    10: "Internal server error",
    12: "Unable to compile code",
    13: "Runtime error occurred during code invocation",
    15: "Access denied",
    100: "One of the parameters specified was missing or invalid",
    104: "Not found",
    901: "Can't send messages for users without permission",
    909: "Can't edit this message, because it's too old",
    911: "Keyboard format is invalid",
    914: "Message is too long",
    917: "You don't have access to this chat",
    919: "You can't see invite link for this chat",
    921: "Can't forward these messages",
    924: "Can't delete this message for everybody",
    925: "You are not admin of this chat",
    927: "Chat does not exist",
    931: "You can't change invite link for this chat",
    935: "User not found in chat",
    936: "Contact not found",
}


class VkApiError(Exception):
    """A VK error; `text` is what follows the schema's description, as VK appends it."""

    def __init__(self, code: int, detail: str = "") -> None:
        base = ERROR_TEXTS.get(code, ERROR_TEXTS[1])
        self.code = code
        self.msg = f"{base}: {detail}" if detail else base
        super().__init__(self.msg)

    def item(self) -> dict[str, Any]:
        """The per-item form used inside list results (`base_message_error`)."""
        return {"code": self.code, "description": self.msg}

    def execute_item(self, method: str) -> dict[str, Any]:
        return {"method": method, "error_code": self.code, "error_msg": self.msg}


def error_envelope(error: VkApiError, method: str, params: Mapping[str, str]) -> dict[str, Any]:
    """VK echoes the request's params back, never the token."""
    echoed = [{"key": "method", "value": method}, {"key": "oauth", "value": "1"}]
    echoed += [{"key": k, "value": v} for k, v in params.items() if k != "access_token"]
    return {"error": {"error_code": error.code, "error_msg": error.msg, "request_params": echoed}}


DEFAULT_CODES = {
    Refusal.NO_USER: 936,
    Refusal.NO_CHAT: 917,
    Refusal.NO_MESSAGE: 104,
    Refusal.NOT_MEMBER: 935,
    Refusal.ALREADY_MEMBER: 15,
    Refusal.BOT_NOT_MEMBER: 917,
    Refusal.BOT_NOT_ADMIN: 925,
    Refusal.ACCESS_DENIED: 15,
    Refusal.PRIVACY: 901,
    Refusal.BLOCKED: 15,
    Refusal.NO_PRESS: 100,
    Refusal.INVALID: 100,
}


def from_refusal(exc: WorldError, **codes: int) -> VkApiError:
    """Map a world refusal to a VK error; `codes` overrides per method (reason=code)."""
    code = codes.get(exc.reason.value, DEFAULT_CODES[exc.reason])
    return VkApiError(code, exc.detail if code in (15, 100) else "")
