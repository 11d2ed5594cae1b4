"""Lifting a block: on time, or early only with the chat's consent (point 6).

`decide_unblock` is what a moderator's `/разблок` and the consent flow's confirmation
go through; `decide_expiry` is what the block timer runs, also after a restart, when
an unblock that came due while the bot was down runs at once.
"""

from __future__ import annotations

from datetime import datetime

from bot.moderation.actor import Actor, ensure_aware
from bot.moderation.blocks import BlockView, UnblockDecision, UnblockKind
from bot.moderation.consent import ConsentWindow, close_window
from bot.moderation.policy import ChatPolicy
from bot.moderation.refusal import Reason, Refusal
from bot.moderation.rules import Rule

__all__ = ["decide_expiry", "decide_unblock"]


def _lift(
    block: BlockView,
    kind: UnblockKind,
    now: datetime,
    actor: Actor,
    reason: str,
    window: ConsentWindow | None = None,
) -> UnblockDecision:
    window_id = window.id if window is not None else None
    return UnblockDecision(
        block.id, block.target, block.rule_code, block.mode, kind, now, actor, reason, window_id
    )


def decide_expiry(block: BlockView, now: datetime) -> UnblockDecision | None:
    """The timer's unblock, or None if the block is already lifted or not yet due."""
    ensure_aware(now)
    if not block.is_open or now < block.ends_at:
        return None
    return _lift(block, "expired", now, Actor.system(), "")


def decide_unblock(
    block: BlockView,
    window: ConsentWindow | None,
    policy: ChatPolicy,
    now: datetime,
    actor: Actor,
    rule: Rule,
    reason: str = "",
) -> UnblockDecision | Refusal:
    """Lift `block` now, or refuse and say what is missing.

    Before the block's end this is an early unblock: it needs a window that closed with
    no objection. While a window is open, after an objection or with no window at all
    it is refused, unless `policy.moderator_override` allows it; then the decision is
    an `override`, logged as such. No override lifts a `no_early_unblock` rule's block.
    """
    ensure_aware(now)
    if not block.is_open:
        return Refusal(Reason.NOT_BLOCKED)
    if now >= block.ends_at:
        return _lift(block, "expired", now, actor, reason)
    if rule.no_early_unblock:
        return Refusal(Reason.NO_EARLY_UNBLOCK, {"rule": rule.label, "ends_at": block.ends_at})
    refusal: Refusal
    if window is None or window.block_id != block.id or window.status == "cancelled":
        refusal = Refusal(Reason.UNBLOCK_NEEDS_CONSENT, {"ends_at": block.ends_at})
    else:
        outcome = close_window(window, now, policy)
        if isinstance(outcome, Refusal):
            refusal = Refusal(Reason.UNBLOCK_WINDOW_OPEN, {"closes_at": window.closes_at})
        elif outcome.status == "passed":
            return _lift(block, "consent", now, actor, reason, window)
        else:
            refusal = Refusal(Reason.UNBLOCK_OBJECTED, {"ends_at": block.ends_at})
    if policy.moderator_override:
        return _lift(block, "override", now, actor, reason, window)
    return refusal
