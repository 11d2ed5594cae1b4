"""How MAX answers map onto `adapters.errors`.

MAX reports failures two ways (NOTES §6): a non-2xx status with `{"code", "message"}`,
or HTTP 200 with `{"success": false, "message": ...}` from mutating methods. Both go
through here so every call site raises the same typed errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.errors import (
    AuthFailed,
    InvalidRequest,
    MessengerError,
    NotAdmin,
    NotFound,
    PrivacyRefused,
    RateLimited,
    TransientError,
)

__all__ = ["error_for_code", "error_for_refusal", "error_for_status"]

# Codes whose meaning does not depend on the status (NOTES §2, §4, §6).
_BY_CODE: dict[str, type[MessengerError]] = {
    "verify.token": AuthFailed,
    "deprecated.token": AuthFailed,  # 403, but it means "fix the auth", not "grant rights"
    "attachment.not.ready": TransientError,
    "chat.not.found": NotFound,
    "add.participant.privacy": PrivacyRefused,
    "add.participant.not.found": NotFound,
}

_BY_STATUS: dict[int, type[MessengerError]] = {
    400: InvalidRequest,
    401: AuthFailed,
    403: NotAdmin,
    404: NotFound,
    405: InvalidRequest,
    408: TransientError,
    429: RateLimited,
}


def _says_privacy(code: str, message: str) -> bool:
    # A refusal by the person's settings, not by our rights (NOTES §5 add members).
    return "privacy" in code or "privacy" in message.lower()


def _text(body: Mapping[str, Any] | None, key: str) -> str:
    value = body.get(key) if body else None
    return value if isinstance(value, str) else ""


def error_for_status(status: int, body: Mapping[str, Any] | None, method: str) -> MessengerError:
    """The typed error for a non-2xx answer; 5xx and unknown statuses count as transient."""
    code = _text(body, "code")
    message = _text(body, "message") or _text(body, "error") or f"HTTP {status}"
    cls = _BY_CODE.get(code)
    if cls is None:
        if _says_privacy(code, message):
            cls = PrivacyRefused
        elif status in _BY_STATUS:
            cls = _BY_STATUS[status]
        elif status >= 500:
            cls = TransientError
        elif 400 <= status < 500:
            cls = InvalidRequest
        else:
            cls = TransientError
    return cls(f"{method}: {message}", code=code or status, method=method)


def error_for_refusal(body: Mapping[str, Any], method: str) -> MessengerError:
    """The typed error for `{"success": false}`; the reason is mostly in free text.

    Adding members also lists per-user codes (`failed_user_details`, NOTES §5); the
    first known one decides, so a privacy refusal is told apart from missing rights.
    """
    message = _text(body, "message") or "success=false"
    lowered = message.lower()
    cls: type[MessengerError]
    for detail in body.get("failed_user_details") or ():
        code = detail.get("error_code") if isinstance(detail, Mapping) else None
        if isinstance(code, str) and code in _BY_CODE:
            return _BY_CODE[code](f"{method}: {message}", code=code, method=method)
    if _says_privacy("", message):
        cls = PrivacyRefused
    elif "not found" in lowered or "not.found" in lowered:
        cls = NotFound
    elif "permission" in lowered or "admin" in lowered or "access" in lowered:
        cls = NotAdmin
    else:
        cls = InvalidRequest
    return cls(f"{method}: {message}", code="success.false", method=method)


def error_for_code(code: str, method: str, message: str = "") -> MessengerError:
    """The typed error for a bare per-item code, such as a failed member addition."""
    cls = _BY_CODE.get(code) or (PrivacyRefused if _says_privacy(code, message) else None)
    return (cls or MessengerError)(f"{method}: {message or code}", code=code, method=method)
