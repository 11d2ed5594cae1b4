"""Strikes: each warning is a row with its own expiry, never a mutable counter.

Regulation point 5 counts violations; issue [4/11] asks that the count be computed
from strike rows at a given moment, so that a withdrawn (voided) warning and an
expired one stop counting without anyone editing a number, and so that the result
does not depend on the order in which rows arrive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.moderation.actor import ensure_aware
from bot.moderation.policy import ChatPolicy

__all__ = ["StrikeView", "active_count", "active_strikes", "strike_expiry"]


@dataclass(frozen=True, slots=True)
class StrikeView:
    """What the domain needs of a strike row."""

    id: int
    rule_code: str
    weight: int
    created_at: datetime
    expires_at: datetime | None
    voided_at: datetime | None = None
    case_number: int | None = None

    def is_active(self, now: datetime) -> bool:
        """Counts unless voided (a withdrawn warning never counted) or expired."""
        if self.voided_at is not None:
            return False
        return self.expires_at is None or now < self.expires_at


def strike_expiry(policy: ChatPolicy, created_at: datetime) -> datetime | None:
    """When a strike made now stops counting; None when the policy keeps them forever."""
    ensure_aware(created_at, "created_at")
    if policy.strike_ttl_days == 0:
        return None
    return created_at + timedelta(days=policy.strike_ttl_days)


def active_strikes(strikes: Iterable[StrikeView], now: datetime) -> list[StrikeView]:
    """The strikes that count at `now`, oldest first (ties broken by id, so stable)."""
    ensure_aware(now)
    live = (s for s in strikes if s.is_active(now))
    return sorted(live, key=lambda s: (s.created_at, s.id))


def active_count(strikes: Iterable[StrikeView], now: datetime) -> int:
    """The sum of the weights of the strikes that count at `now`."""
    ensure_aware(now)
    return sum(max(s.weight, 0) for s in strikes if s.is_active(now))
