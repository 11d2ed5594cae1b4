"""Timed blocks (regulation point 5): at most the policy maximum, always citing a rule.

A block is `mute` (the person stays and reads school news, their messages are
deleted) or `remove` (kicked, re-added at the end where the platform allows). The
end is stored, so a restart re-arms the unblock; `BlockView` is what the domain
needs of the stored row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.moderation.actor import Actor, ensure_aware
from bot.moderation.policy import BlockMode, ChatPolicy
from bot.moderation.refusal import Reason, Refusal
from bot.moderation.rules import Rule

__all__ = ["BlockDecision", "BlockView", "UnblockDecision", "UnblockKind", "decide_block"]

UnblockKind = Literal["expired", "consent", "override"]


@dataclass(frozen=True, slots=True)
class BlockView:
    """A stored block. Open until the unblock has been carried out (`lifted_at`)."""

    id: int
    target: str
    rule_code: str
    mode: BlockMode
    starts_at: datetime
    ends_at: datetime
    lifted_at: datetime | None = None
    case_number: int | None = None

    @property
    def is_open(self) -> bool:
        return self.lifted_at is None

    def in_force(self, now: datetime) -> bool:
        """Open and not yet at its end: the person is blocked right now."""
        return self.is_open and now < self.ends_at


@dataclass(frozen=True, slots=True)
class BlockDecision:
    """A block to record and carry out, ending at `ends_at`."""

    target: str
    actor: Actor
    rule: Rule
    reason: str
    days: int
    mode: BlockMode
    starts_at: datetime
    ends_at: datetime
    notify_parents: bool

    @property
    def text_key(self) -> str:
        return f"block.issued_{self.mode}"


@dataclass(frozen=True, slots=True)
class UnblockDecision:
    """Lift a block. `expired`: its time is up; `consent`: early, after a window passed
    with no objection (point 6); `override`: early, by a moderator the policy allows,
    logged as such."""

    block_id: int
    target: str
    rule_code: str
    mode: BlockMode
    kind: UnblockKind
    at: datetime
    actor: Actor
    reason: str = ""
    window_id: int | None = None

    @property
    def early(self) -> bool:
        """An early release counts against the per-term cap."""
        return self.kind != "expired"

    @property
    def text_key(self) -> str:
        return f"block.lifted_{self.kind}"


def decide_block(
    policy: ChatPolicy,
    rule: Rule,
    days: int,
    now: datetime,
    target: str,
    actor: Actor,
    reason: str = "",
    *,
    current: BlockView | None = None,
) -> BlockDecision | Refusal:
    """A block of `days` days, refused when shorter than a day, longer than the policy
    maximum (point 5: "up to one month"), or while the person is already blocked."""
    ensure_aware(now)
    if days < 1:
        return Refusal(Reason.BLOCK_TOO_SHORT, {"days": days})
    if days > policy.max_block_days:
        return Refusal(Reason.BLOCK_TOO_LONG, {"days": days, "max_days": policy.max_block_days})
    if current is not None and current.in_force(now):
        return Refusal(Reason.ALREADY_BLOCKED, {"ends_at": current.ends_at})
    return BlockDecision(
        target=target,
        actor=actor,
        rule=rule,
        reason=reason,
        days=days,
        mode=policy.block_mode,
        starts_at=now,
        ends_at=now + timedelta(days=days),
        notify_parents=policy.notify_parents_on_block,
    )
