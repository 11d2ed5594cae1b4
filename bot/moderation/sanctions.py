"""Warnings, their withdrawal, removals and message deletions, as pure decisions.

Every function takes the `Rule` it cites as a required argument, so a sanction
without a rule cannot be built (regulation point 7); the command parser refuses a
missing or unknown code before a handler gets this far. Reminders quote the rule
(point 4), and the 4th active strike brings the block step (point 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.moderation.actor import Actor, ensure_aware
from bot.moderation.policy import ChatPolicy, ReminderRoute
from bot.moderation.refusal import Reason, Refusal
from bot.moderation.rules import Rule
from bot.moderation.strikes import StrikeView, strike_expiry

__all__ = [
    "DeletionDecision",
    "NextStep",
    "RemovalDecision",
    "VoidDecision",
    "WarningDecision",
    "decide_delete",
    "decide_remove",
    "decide_void",
    "decide_warning",
]

NextStep = Literal["none", "propose_block", "block"]
_NEXT_STEP_KEYS = {
    "none": "warning.next_none",
    "propose_block": "warning.next_propose_block",
    "block": "warning.next_block",
}


@dataclass(frozen=True, slots=True)
class WarningDecision:
    """A warning to record (one new strike) and the reminder to send."""

    target: str
    actor: Actor
    rule: Rule
    reason: str
    weight: int
    created_at: datetime
    expires_at: datetime | None
    active_before: int
    active_after: int
    next_step: NextStep
    block_days: int | None  # the length of the proposed or automatic block
    reminder: ReminderRoute
    threshold: int  # the policy's "more than N violations"

    @property
    def remaining(self) -> int:
        """Strikes still to go before the block step (0 once it is reached)."""
        return max(self.threshold + 1 - self.active_after, 0)

    @property
    def text_key(self) -> str:
        return "warning.issued"

    @property
    def next_step_key(self) -> str:
        return _NEXT_STEP_KEYS[self.next_step]


def decide_warning(
    policy: ChatPolicy,
    rule: Rule,
    target: str,
    active_before: int,
    now: datetime,
    actor: Actor,
    reason: str = "",
    *,
    currently_blocked: bool = False,
) -> WarningDecision:
    """A strike with its expiry, the new active count and what comes next.

    More than `strike_threshold` active strikes bring the block step: a button for the
    moderator (`propose`) or the block itself (`auto`), for the rule's default length
    capped by the policy maximum. A person already blocked gets no second block step.
    """
    ensure_aware(now)
    active_after = max(active_before, 0) + rule.weight
    step: NextStep = "none"
    if active_after >= policy.block_step_at and not currently_blocked:
        step = "block" if policy.on_threshold == "auto" else "propose_block"
    days = min(rule.default_block_days, policy.max_block_days) if step != "none" else None
    return WarningDecision(
        target=target,
        actor=actor,
        rule=rule,
        reason=reason,
        weight=rule.weight,
        created_at=now,
        expires_at=strike_expiry(policy, now),
        active_before=active_before,
        active_after=active_after,
        next_step=step,
        block_days=days,
        reminder=policy.reminder,
        threshold=policy.strike_threshold,
    )


@dataclass(frozen=True, slots=True)
class VoidDecision:
    """Withdraw a warning: the row stays, marked void, with who and why."""

    strike_id: int
    rule_code: str
    voided_at: datetime
    actor: Actor
    reason: str


def decide_void(
    strike: StrikeView, now: datetime, actor: Actor, reason: str = ""
) -> VoidDecision | Refusal:
    """Void a strike once; voiding it again is refused, since the first record stands."""
    ensure_aware(now)
    if strike.voided_at is not None:
        return Refusal(Reason.ALREADY_VOIDED, {"case": strike.case_number or strike.id})
    return VoidDecision(strike.id, strike.rule_code, now, actor, reason)


@dataclass(frozen=True, slots=True)
class RemovalDecision:
    """Remove a person from the chat, citing a rule (point 7)."""

    target: str
    actor: Actor
    rule: Rule
    reason: str
    at: datetime


def decide_remove(
    rule: Rule, target: str, now: datetime, actor: Actor, reason: str = ""
) -> RemovalDecision:
    """A removal for breaking `rule`; departures (point 8) are the roster's business."""
    return RemovalDecision(target, actor, rule, reason, ensure_aware(now))


@dataclass(frozen=True, slots=True)
class DeletionDecision:
    """Delete one message and record why (point 1: remove negative content in time)."""

    message_id: str
    target: str | None
    actor: Actor
    rule: Rule
    reason: str
    at: datetime


def decide_delete(
    rule: Rule, message_id: str, target: str | None, now: datetime, actor: Actor, reason: str = ""
) -> DeletionDecision:
    return DeletionDecision(message_id, target, actor, rule, reason, ensure_aware(now))
