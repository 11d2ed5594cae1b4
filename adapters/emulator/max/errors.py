"""MAX's two ways of saying no (NOTES §6), as the emulator raises them.

A non-2xx status with `{"code": "<dotted.key>", "message": ...}` for auth, rights,
missing things and bad requests; HTTP 200 with `{"success": false, "message": ...}`
(SimpleQueryResult) when a mutating call was understood but did nothing.
"""

from __future__ import annotations

from typing import Any

from adapters.emulator.errors import Refusal, WorldError

__all__ = ["MaxApiError", "NotDone", "from_refusal", "status_error"]

STATUS_CODES = {
    400: "bad.request",
    401: "verify.token",
    403: "access.denied",
    404: "not.found",
    405: "method.not.allowed",
    429: "too.many.requests",
    500: "internal.error",
    503: "service.unavailable",
}


class MaxApiError(Exception):
    """An error answer: HTTP `status` with the Error schema's `code` and `message`."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


class NotDone(Exception):
    """A 200 `{"success": false}` answer; `extra` adds fields such as failed_user_ids."""

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message, self.extra = message, extra

    def body(self) -> dict[str, Any]:
        return {"success": False, "message": self.message, **self.extra}


def status_error(status: int, message: str = "") -> MaxApiError:
    """A plain error for `status`, as injected faults and limits produce."""
    code = STATUS_CODES.get(status, "internal.error")
    return MaxApiError(status, code, message or code.replace(".", " ").capitalize())


# The refusals a server reports with a status; the rest become `success: false`.
_STATUS: dict[Refusal, tuple[int, str]] = {
    Refusal.NO_CHAT: (404, "chat.not.found"),
    Refusal.NO_USER: (404, "user.not.found"),
    Refusal.BOT_NOT_MEMBER: (403, "chat.denied"),
    Refusal.BOT_NOT_ADMIN: (403, "access.denied"),
    Refusal.PRIVACY: (403, "chat.denied"),  # a person's privacy settings, said in the text
    Refusal.INVALID: (400, "bad.request"),
}


def from_refusal(exc: WorldError) -> MaxApiError | NotDone:
    """Map a world refusal: missing things and rights by status, the rest as `success: false`."""
    if exc.reason in _STATUS:
        status, code = _STATUS[exc.reason]
        return MaxApiError(status, code, exc.detail)
    if exc.reason in (Refusal.NO_MESSAGE, Refusal.NO_PRESS, Refusal.NOT_MEMBER):
        return NotDone(f"Not found: {exc.detail}")
    return NotDone(exc.detail)
