"""The objection window of an early unblock (regulation point 6, issue [5/11]).

The chat is asked, not polled: one "I object" from an eligible member keeps the
block. Eligible voters are the members at the moment the window opened, minus the
blocked person, so that nobody can join to tip it. Presses after the deadline, a
second press and presses from non-members are ignored with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from bot.moderation.actor import ensure_aware
from bot.moderation.blocks import BlockView
from bot.moderation.policy import ChatPolicy
from bot.moderation.refusal import Reason, Refusal
from bot.moderation.rules import Rule

__all__ = [
    "ConsentWindow",
    "IgnoreReason",
    "ObjectionAccepted",
    "ObjectionIgnored",
    "WindowDecision",
    "WindowOutcome",
    "WindowStatus",
    "close_window",
    "open_window",
    "record_objection",
]

WindowStatus = Literal["open", "passed", "objected", "cancelled"]
IgnoreReason = Literal["not_eligible", "already_objected", "closed"]
OutcomeResult = Literal["block_stays", "unblock", "await_moderator"]


@dataclass(frozen=True, slots=True)
class ConsentWindow:
    """A window as stored: who may object, who did, and until when."""

    block_id: int
    opened_at: datetime
    closes_at: datetime
    eligible_voters: frozenset[str]
    objectors: frozenset[str] = frozenset()
    status: WindowStatus = "open"
    id: int | None = None

    def accepts_objections(self, now: datetime) -> bool:
        return self.status == "open" and now < self.closes_at


@dataclass(frozen=True, slots=True)
class WindowDecision:
    """Open this window and post the neutral notice with the "I object" button."""

    window: ConsentWindow
    text_key: str = "consent.window_notice"


@dataclass(frozen=True, slots=True)
class WindowOutcome:
    """How a window ended and what happens to the block."""

    block_id: int
    window_id: int | None
    status: WindowStatus
    result: OutcomeResult

    @property
    def text_key(self) -> str:
        return f"consent.outcome_{self.result}"


@dataclass(frozen=True, slots=True)
class ObjectionAccepted:
    """The objection counts; one is enough, so the window closes as "objected"."""

    window: ConsentWindow
    outcome: WindowOutcome
    text_key: str = "consent.objection_accepted"


@dataclass(frozen=True, slots=True)
class ObjectionIgnored:
    """The press changes nothing; the presser is told why, privately."""

    reason: IgnoreReason

    @property
    def text_key(self) -> str:
        return f"consent.ignored_{self.reason}"


def open_window(
    block: BlockView,
    now: datetime,
    policy: ChatPolicy,
    members_now: Iterable[str],
    *,
    rule: Rule,
    current: ConsentWindow | None = None,
) -> WindowDecision | Refusal:
    """A window of `policy.consent_window_hours`, refused when it would be pointless
    (the block ends first) or not allowed (`no_early_unblock`, one already open)."""
    ensure_aware(now)
    if not block.in_force(now):
        return Refusal(Reason.NOT_BLOCKED)
    if rule.no_early_unblock:
        return Refusal(Reason.NO_EARLY_UNBLOCK, {"rule": rule.label, "ends_at": block.ends_at})
    if current is not None and current.accepts_objections(now):
        return Refusal(Reason.WINDOW_ALREADY_OPEN, {"closes_at": current.closes_at})
    closes_at = now + timedelta(hours=policy.consent_window_hours)
    if closes_at >= block.ends_at:
        return Refusal(Reason.WINDOW_OUTLASTS_BLOCK, {"ends_at": block.ends_at})
    voters = frozenset(members_now) - {block.target}
    return WindowDecision(ConsentWindow(block.id, now, closes_at, voters))


def record_objection(
    window: ConsentWindow, user_id: str, now: datetime
) -> ObjectionAccepted | ObjectionIgnored:
    """Count `user_id`'s objection, or say why it does not count."""
    ensure_aware(now)
    if user_id in window.objectors:
        return ObjectionIgnored("already_objected")
    if not window.accepts_objections(now):
        return ObjectionIgnored("closed")
    if user_id not in window.eligible_voters:
        return ObjectionIgnored("not_eligible")
    closed = replace(window, objectors=window.objectors | {user_id}, status="objected")
    return ObjectionAccepted(
        closed, WindowOutcome(window.block_id, window.id, "objected", "block_stays")
    )


def close_window(
    window: ConsentWindow, now: datetime, policy: ChatPolicy
) -> WindowOutcome | Refusal:
    """The outcome at the deadline; safe to call again after a restart.

    No objection: the early unblock goes through automatically (`consent_auto_unblock`)
    or waits for the moderator's one click. Any objection: the block stays.
    """
    ensure_aware(now)
    status: WindowStatus = window.status
    if status == "open":
        if window.objectors:
            status = "objected"  # two presses raced; either one is enough
        elif now < window.closes_at:
            return Refusal(Reason.WINDOW_STILL_OPEN, {"closes_at": window.closes_at})
        else:
            status = "passed"
    result: OutcomeResult = "block_stays"
    if status == "passed":
        result = "unblock" if policy.consent_auto_unblock else "await_moderator"
    return WindowOutcome(window.block_id, window.id, status, result)
