"""Per-chat policy: the regulation's numbers as defaults a school may change.

Regulation point 5: a block becomes possible after *more than* three violations and
lasts at most a month, so `strike_threshold=3` (the 4th active strike triggers the
block step) and `max_block_days=30`. Point 3 gives `hold_newcomers`; point 6 the
consent settings. A school's `[policy]` table sets the defaults, a chat's table is
merged over them; a mistake is one line naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

__all__ = ["BlockMode", "ChatPolicy", "OnThreshold", "PolicyError", "ReminderRoute"]

OnThreshold = Literal["propose", "auto"]
BlockMode = Literal["mute", "remove"]
ReminderRoute = Literal["chat", "private"]

_CHOICES: dict[str, tuple[str, ...]] = {
    "on_threshold": ("propose", "auto"),
    "block_mode": ("mute", "remove"),
    "reminder": ("chat", "private"),
    "language": ("ru", "en"),
}
_RANGES: dict[str, tuple[int, int]] = {
    "strike_threshold": (1, 100),
    "max_block_days": (1, 365),
    "strike_ttl_days": (0, 3650),
    "consent_window_hours": (1, 168),
    "early_release_cap_per_term": (0, 100),
}
# `[policy.consent]` may use short names: `auto_open` for `consent_auto_open`.
_CONSENT_NAMES = {
    "auto_open": "consent_auto_open",
    "window_hours": "consent_window_hours",
    "auto_unblock": "consent_auto_unblock",
    "early_release_cap_per_term": "early_release_cap_per_term",
    "moderator_override": "moderator_override",
}


class PolicyError(ValueError):
    """A policy table that cannot be used; the message is one line naming the field."""


@dataclass(frozen=True, slots=True)
class ChatPolicy:
    """How one chat applies the regulation; every default is the regulation's own."""

    strike_threshold: int = 3
    max_block_days: int = 30
    strike_ttl_days: int = 90  # 0: strikes never expire
    on_threshold: OnThreshold = "propose"
    block_mode: BlockMode = "mute"
    reminder: ReminderRoute = "chat"
    hold_newcomers: bool = False
    consent_auto_open: bool = False
    consent_window_hours: int = 24
    consent_auto_unblock: bool = False
    early_release_cap_per_term: int = 2
    moderator_override: bool = False
    notify_parents_on_block: bool = False
    language: str = "ru"

    @property
    def block_step_at(self) -> int:
        """The active strike count at which the block step comes: threshold + 1."""
        return self.strike_threshold + 1

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "policy") -> ChatPolicy:
        """A policy from a TOML table; absent keys keep the regulation's defaults."""
        return cls().merged(data, source)

    def merged(self, override: Mapping[str, Any], source: str = "policy") -> ChatPolicy:
        """This policy with a (chat's) table laid over it, validated field by field."""
        return replace(self, **_validated(_flatten(override, source), source))


def _flatten(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    flat = {k: v for k, v in data.items() if k != "consent"}
    consent = data.get("consent", {})
    if not isinstance(consent, Mapping):
        raise PolicyError(f"{source}: 'consent' must be a table")
    for key, value in consent.items():
        if key not in _CONSENT_NAMES:
            raise PolicyError(f"{source}: unknown field 'consent.{key}'")
        flat[_CONSENT_NAMES[key]] = value
    return flat


def _validated(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    names = {f.name for f in fields(ChatPolicy)}
    for key, value in data.items():
        if key not in names:
            raise PolicyError(f"{source}: unknown field {key!r}")
        if key in _CHOICES:
            if value not in _CHOICES[key]:
                allowed = " or ".join(repr(c) for c in _CHOICES[key])
                raise PolicyError(f"{source}: field {key!r} must be {allowed}, got {value!r}")
        elif key in _RANGES:
            low, high = _RANGES[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise PolicyError(f"{source}: field {key!r} must be a whole number {low}..{high}")
        elif not isinstance(value, bool):
            raise PolicyError(f"{source}: field {key!r} must be true or false, got {value!r}")
    return dict(data)
