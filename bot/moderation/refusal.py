"""Refusals are values, not exceptions: the handler answers with the text they name.

Each `Reason` is a key into the text catalogues (`bot/texts/ru.toml`, `en.toml`);
`params` fill its placeholders. Datetime params are left as `datetime` so that the
handler formats them in the school's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Reason", "Refusal"]


class Reason(StrEnum):
    """Why the domain said no; the value is the catalogue key."""

    # Permissions (issue [4/11]).
    NOT_MODERATOR = "refusal.not_moderator"
    TARGET_IS_OWNER = "refusal.target_is_owner"
    TARGET_IS_MODERATOR = "refusal.target_is_moderator"
    TARGET_IS_SELF = "refusal.target_is_self"
    # Blocks (regulation point 5).
    BLOCK_TOO_LONG = "refusal.block_too_long"
    BLOCK_TOO_SHORT = "refusal.block_too_short"
    ALREADY_BLOCKED = "refusal.already_blocked"
    NOT_BLOCKED = "refusal.not_blocked"
    # Warnings and cases.
    ALREADY_VOIDED = "refusal.already_voided"
    CASE_NOT_FOUND = "refusal.case_not_found"
    CASE_NOT_WARNING = "refusal.case_not_warning"
    # Early unblock (regulation point 6, issue [5/11]).
    NO_EARLY_UNBLOCK = "refusal.no_early_unblock"
    EARLY_RELEASE_CAP = "refusal.early_release_cap"
    APOLOGY_TOO_SHORT = "refusal.apology_too_short"
    APOLOGY_TOO_LONG = "refusal.apology_too_long"
    APOLOGY_REPEATED = "refusal.apology_repeated"
    WINDOW_ALREADY_OPEN = "refusal.window_already_open"
    WINDOW_OUTLASTS_BLOCK = "refusal.window_outlasts_block"
    WINDOW_STILL_OPEN = "refusal.window_still_open"
    UNBLOCK_WINDOW_OPEN = "refusal.unblock_window_open"
    UNBLOCK_OBJECTED = "refusal.unblock_objected"
    UNBLOCK_NEEDS_CONSENT = "refusal.unblock_needs_consent"


@dataclass(frozen=True, slots=True)
class Refusal:
    """The domain's "no", with the reason's text key and the values it needs."""

    reason_key: Reason
    params: dict[str, object] = field(default_factory=dict)
