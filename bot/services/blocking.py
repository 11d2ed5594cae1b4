"""Timed blocks: starting one, lifting one, and the timer that ends one on time.

Regulation point 5: a block lasts at most the policy maximum and cites a rule. The
end is stored (`blocks.ends_at`); the timer named `block:<id>` is only the clock, so
at start `rearm` arms every open block again and runs at once the ones that came
due while the bot was down. A lift is a conditional update, so an unblock is never
carried out twice. A `mute` block keeps the person in the chat and deletes their
messages (`Restrictions`); a `remove` block kicks them and, at the end, puts them
back where the platform can, otherwise sends them an invite link privately.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import cast

from bot.moderation import (
    Actor,
    BlockArgs,
    BlockDecision,
    BlockView,
    Reason,
    Refusal,
    Rule,
    UnblockArgs,
    UnblockDecision,
    decide_block,
    decide_expiry,
    decide_unblock,
)
from bot.moderation.policy import BlockMode
from bot.services.base import Moderation
from bot.services.consent_views import latest_window
from bot.services.ledger import Ledger
from storage.models import Block, Chat
from storage.repos import AuditLog, Blocks, Chats

__all__ = ["BlockChange", "BlockHook", "Blocking", "Resync", "actor_label", "block_view"]

# Called inside a block's transaction (ledger, chat, decision, name, block id): the
# consent flow (issue [5/11]) adds the private notice and the parents' notices.
BlockHook = Callable[[Ledger, Chat, BlockDecision, str, int], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class BlockChange:
    """A committed start or end of a block, for the in-memory mute map and the timers."""

    block_id: int
    chat_id: str
    user_id: str
    mode: str
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Resync:
    """A replayed decision: the person's block in force as the database has it now.

    The first run may have committed and then died, or found Redis away, before it
    muted, unmuted or armed the block's end; the replay applies them again
    (`Blocking.settle`), which changes nothing when the first run got there.
    """

    chat_id: str
    user_id: str
    block: BlockChange | None


def block_view(row: Block) -> BlockView:
    return BlockView(
        row.id,
        row.target_user_id,
        row.rule_code,
        cast(BlockMode, row.mode),
        row.starts_at,
        row.ends_at,
        row.lifted_at,
        row.case_number,
    )


def actor_label(actor: Actor) -> str:
    if actor.kind == "person":
        return actor.user_id or "person"
    if actor.kind == "detector":
        return f"{actor.detector}/{actor.detector_version}"
    return "system"


class Blocking:
    """Starts and lifts blocks; owns the `block:<id>` timers."""

    def __init__(self, m: Moderation) -> None:
        self.m = m
        self.on_block: list[BlockHook] = []

    async def carry_out(
        self, ledger: Ledger, chat: Chat, d: BlockDecision, name: str, reply_to: str | None = None
    ) -> BlockChange:
        """Record a decided block and queue its notice (and the kick in `remove` mode)."""
        f = self.m.formats
        record = await ledger.record(
            "block", d.actor, chat.id, at=d.starts_at, target=d.target, rule=d.rule, reason=d.reason
        )
        row = await Blocks(ledger.session).add(
            chat.id,
            d.target,
            d.rule.code,
            ends_at=d.ends_at,
            mode=d.mode,
            starts_at=d.starts_at,
            case_number=record.case_number,
        )
        text = f.t(
            d.text_key, name=name, days=d.days, ends_at=f.when(d.ends_at), **f.rule_params(d.rule)
        )
        text = f"{text} {f.t('sanction.case_suffix', case=record.case_number)}"
        pid = chat.platform_chat_id
        await ledger.send("block", pid, text, audit_id=record.id, reply_to=reply_to)
        if d.mode == "remove":
            await ledger.remove("block:remove", pid, d.target, audit_id=record.id)
        for hook in self.on_block:
            await hook(ledger, chat, d, name, row.id)
        return BlockChange(row.id, pid, d.target, d.mode, d.ends_at)

    async def resync(self, ledger: Ledger, chat_id: str, target: str, now: datetime) -> Resync:
        """For a replay, inside its transaction: what `settle` is to apply again."""
        chat = await ledger.chat(chat_id)
        row = await self.current(ledger, chat.id, target, now)
        change = None
        if row is not None:
            change = BlockChange(row.id, chat_id, target, row.mode, row.ends_at)
        return Resync(chat_id, target, change)

    async def settle(self, change: BlockChange | Resync | None) -> None:
        """After commit: a block started, or a replay's standing applied again."""
        if isinstance(change, BlockChange):
            await self.started(change)
        elif isinstance(change, Resync):
            if change.block is not None:
                await self.started(change.block)
            else:
                await self.m.restrictions.unmute(self.m.platform, change.chat_id, change.user_id)

    async def started(self, change: BlockChange) -> None:
        """After commit: mute at once and arm the end."""
        if change.mode == "mute":
            await self.m.restrictions.mute(
                self.m.platform, change.chat_id, change.user_id, change.ends_at, self.m.clock.now()
            )
        self.m.timers.arm(
            f"block:{change.block_id}", change.ends_at, partial(self.expire, change.block_id)
        )

    async def ended(self, change: BlockChange) -> None:
        await self.m.restrictions.unmute(self.m.platform, change.chat_id, change.user_id)
        self.m.timers.cancel(f"block:{change.block_id}")

    async def block(
        self, key: str, chat_id: str, args: BlockArgs, actor: Actor, reply_to: str | None = None
    ) -> Refusal | None:
        """`/блок` and the "block for N days" button: None when the block was recorded."""
        policy = self.m.regulation.policy(self.m.platform, chat_id)
        target = args.target.user_id
        name = await self.m.name(chat_id, target)
        now = self.m.clock.now()
        async with self.m.deciding(key) as ledger:
            if await ledger.seen("block"):
                change: BlockChange | Resync = await self.resync(ledger, chat_id, target, now)
            else:
                chat = await ledger.chat(chat_id)
                current = await self.current(ledger, chat.id, target, now)
                view = block_view(current) if current is not None else None
                d = decide_block(
                    policy, args.rule, args.days, now, target, actor, args.text, current=view
                )
                if isinstance(d, Refusal):
                    return d
                change = await self.carry_out(ledger, chat, d, name, reply_to)
        await self.settle(change)
        return None

    async def current(
        self, ledger: Ledger, chat_db_id: int, target: str, now: datetime
    ) -> Block | None:
        rows = await Blocks(ledger.session).active(chat_db_id, now, target)
        return rows[0] if rows else None

    async def unblock(
        self, key: str, chat_id: str, args: UnblockArgs, actor: Actor, reply_to: str | None = None
    ) -> Refusal | None:
        """`/разблок`: early only with the chat's consent or a policy override (point 6)."""
        rules, policy = self.m.regulation.for_chat(self.m.platform, chat_id)
        target = args.target.user_id
        name = await self.m.name(chat_id, target)
        now = self.m.clock.now()
        async with self.m.deciding(key) as ledger:
            if await ledger.seen("unblock"):
                replay = await self.resync(ledger, chat_id, target, now)
                change = None
            else:
                replay = None
                chat = await ledger.chat(chat_id)
                row = await self.current(ledger, chat.id, target, now)
                if row is None:
                    return Refusal(Reason.NOT_BLOCKED)
                rule = rules.get(row.rule_code) or _unknown_rule(row.rule_code)
                window = await latest_window(ledger.session, row.id)  # point 6: consent first
                d = decide_unblock(block_view(row), window, policy, now, actor, rule, args.text)
                if isinstance(d, Refusal):
                    return d
                change = await self.lift(ledger, chat, row, d, name, reply_to)
        await self.settle(replay)
        if change is not None:
            await self.ended(change)
        return None

    async def lift(
        self,
        ledger: Ledger,
        chat: Chat,
        row: Block,
        d: UnblockDecision,
        name: str,
        reply_to: str | None = None,
    ) -> BlockChange | None:
        """Mark the block lifted, record it, queue the notice and, for `remove`, the return."""
        reason = (
            f"{d.kind}: {d.reason}" if d.reason and d.kind == "override" else d.reason or d.kind
        )
        if not await Blocks(ledger.session).lift(
            row.id, by=actor_label(d.actor), reason=reason, at=d.at
        ):
            return None
        cited = (
            await AuditLog(ledger.session).by_case(chat.id, row.case_number)
            if row.case_number
            else None
        )
        record = await ledger.record(
            "unblock",
            d.actor,
            chat.id,
            at=d.at,
            target=row.target_user_id,
            rule_code=row.rule_code,
            rule_version=cited.rule_version if cited is not None else None,
            reason=reason,
        )
        f = self.m.formats
        text = (
            f"{f.t(d.text_key, name=name)} {f.t('sanction.case_suffix', case=record.case_number)}"
        )
        pid = chat.platform_chat_id
        await ledger.send("unblock", pid, text, audit_id=record.id, reply_to=reply_to)
        if row.mode == "remove":
            invite = f.t("sanction.readd_invite", link="{link}")
            await ledger.readd("unblock:readd", pid, row.target_user_id, invite, audit_id=record.id)
        return BlockChange(row.id, pid, row.target_user_id, row.mode, row.ends_at)

    async def expire(self, block_id: int) -> None:
        """The `block:<id>` timer: lift the block if its time is up, else arm it again."""
        async with self.m.db.transaction() as session:
            row = await Blocks(session).get(block_id)
            chat = await Chats(session).get(row.chat_id) if row is not None else None
        if row is None or chat is None or row.lifted_at is not None:
            return
        d = decide_expiry(block_view(row), self.m.clock.now())
        if d is None:
            self.m.timers.arm(f"block:{block_id}", row.ends_at, partial(self.expire, block_id))
            return
        name = await self.m.name(chat.platform_chat_id, row.target_user_id)
        async with self.m.deciding(f"block-end:{block_id}") as ledger:
            fresh = await Blocks(ledger.session).get(block_id)
            change = await self.lift(ledger, chat, fresh, d, name) if fresh is not None else None
        if change is not None:
            await self.ended(change)

    async def rearm(self) -> int:
        """At start: arm every open block's end; those already due are lifted now."""
        async with self.m.db.transaction() as session:
            rows = await Blocks(session).pending_ends()
        now = self.m.clock.now()
        for row in rows:
            if row.ends_at <= now:
                await self.expire(row.id)
            else:
                self.m.timers.arm(f"block:{row.id}", row.ends_at, partial(self.expire, row.id))
        return len(rows)


def _unknown_rule(code: str) -> Rule:
    """A block citing a rule the current set no longer has still needs lifting."""
    return Rule(code=code, alias=code, number=0, title=code, text="")
