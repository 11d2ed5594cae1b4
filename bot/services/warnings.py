"""Warnings: a strike that quotes the rule, and the block step at the 4th active strike.

Regulation point 4: every warning reminds the person of the rule, by code and text,
and says how many active warnings they have and what comes next; the policy may send
it privately so nobody is named in the chat. Point 5: more than `strike_threshold`
active strikes bring the block step: `propose` writes the moderator and the curators
privately with a "block for N days" button, `auto` blocks for the rule's length.
"""

from __future__ import annotations

from datetime import datetime

from adapters.base import Button, Keyboard
from bot.moderation import (
    Actor,
    BlockArgs,
    BlockDecision,
    ChatPolicy,
    Rule,
    Target,
    WarningDecision,
    decide_block,
    decide_warning,
)
from bot.services.base import Moderation
from bot.services.blocking import BlockChange, Blocking, Resync
from bot.services.ledger import Ledger
from storage.models import AuditRecord, Chat
from storage.repos import Blocks, Strikes

__all__ = ["PROPOSE_BLOCK", "Warnings"]

PROPOSE_BLOCK = "propose_block"  # the button's `cmd`


class Warnings:
    """Issues warnings; detectors (a later issue) call `issue` with their own actor."""

    def __init__(self, m: Moderation, blocking: Blocking) -> None:
        self.m = m
        self.blocking = blocking

    async def warn(
        self,
        key: str,
        chat_id: str,
        target: str,
        rule: Rule,
        actor: Actor,
        reason: str = "",
        reply_to: str | None = None,
    ) -> None:
        """`/пред`: one warning per event key, however often the event is replayed."""
        policy = self.m.regulation.policy(self.m.platform, chat_id)
        name = await self.m.name(chat_id, target)
        recipients = await self.m.moderators.notify_list(self.m.platform, chat_id, [actor.user_id])
        now = self.m.clock.now()
        async with self.m.deciding(key) as ledger:
            change: BlockChange | Resync | None
            if await ledger.seen("warn"):
                change = await self.blocking.resync(ledger, chat_id, target, now)
            else:
                chat = await ledger.chat(chat_id)
                change = await self.issue(
                    ledger, chat, policy, rule, target, actor, reason, now, name, recipients,
                    reply_to,
                )  # fmt: skip
        await self.blocking.settle(change)

    async def issue(
        self,
        ledger: Ledger,
        chat: Chat,
        policy: ChatPolicy,
        rule: Rule,
        target: str,
        actor: Actor,
        reason: str,
        now: datetime,
        name: str,
        recipients: list[str],
        reply_to: str | None = None,
        excerpt: str | None = None,
    ) -> BlockChange | None:
        """Record the strike and its audit row; queue the reminder, and the block step:
        the proposal to `recipients` or, in `auto` mode, the block itself. `excerpt` is
        a detector's masked evidence (issue [6/11]), never the message."""
        s = ledger.session
        active_before = await Strikes(s).active_weight(chat.id, target, now)
        blocked = bool(await Blocks(s).active(chat.id, now, target))
        d = decide_warning(
            policy, rule, target, active_before, now, actor, reason, currently_blocked=blocked
        )
        record = await ledger.record(
            "warn", actor, chat.id, at=now, target=target, rule=rule, reason=reason, excerpt=excerpt
        )
        await Strikes(s).add(
            chat.id,
            target,
            rule.code,
            rule_version=rule.version,
            weight=d.weight,
            case_number=record.case_number,
            created_at=now,
            expires_at=d.expires_at,
        )
        await self._remind(ledger, chat, d, record, name, reply_to)
        if d.next_step == "propose_block":
            await self._propose(ledger, chat, d, record, name, recipients)
        if d.next_step == "block" and d.block_days is not None:
            block = decide_block(policy, rule, d.block_days, now, target, Actor.system(), reason)
            if isinstance(block, BlockDecision):
                return await self.blocking.carry_out(ledger, chat, block, name)
        return None

    async def _remind(
        self,
        ledger: Ledger,
        chat: Chat,
        d: WarningDecision,
        record: AuditRecord,
        name: str,
        reply_to: str | None,
    ) -> None:
        f = self.m.formats
        text = "\n".join(
            (
                f.t(d.text_key, name=name, active=d.active_after, **f.rule_params(d.rule)),
                f.t(
                    d.next_step_key, remaining=d.remaining, threshold=d.threshold, days=d.block_days
                ),
                f.t("sanction.case_suffix", case=record.case_number),
            )
        )
        pid = chat.platform_chat_id
        if d.reminder == "private":
            await ledger.private("warn", d.target, text, audit_id=record.id)
            note = f.t("sanction.warning_private_note", case=record.case_number)
            await ledger.send("warn:note", pid, note, audit_id=record.id, reply_to=reply_to)
        else:
            await ledger.send("warn", pid, text, audit_id=record.id, reply_to=reply_to)

    async def _propose(
        self,
        ledger: Ledger,
        chat: Chat,
        d: WarningDecision,
        record: AuditRecord,
        name: str,
        recipients: list[str],
    ) -> None:
        """Point 5 in `propose` mode: the moderator and curators get the block button."""
        f = self.m.formats
        days = d.block_days or 1
        payload = {
            "cmd": PROPOSE_BLOCK,
            "c": chat.platform_chat_id,
            "u": d.target,
            "d": days,
            "r": d.rule.code,
        }
        keyboard = Keyboard.of(
            [Button(f.t("sanction.proposal_button", days=days), payload, "negative")]
        )
        text = f.t(
            "sanction.proposal",
            chat=chat.title or chat.platform_chat_id,
            name=name,
            active=d.active_after,
            threshold=d.threshold,
            case=record.case_number,
            days=days,
            **f.rule_params(d.rule),
        )
        for user_id in recipients:
            await ledger.private(
                f"propose:{user_id}", user_id, text, audit_id=record.id, keyboard=keyboard
            )

    @staticmethod
    def proposal_args(payload: dict[str, object], rule: Rule) -> BlockArgs:
        return BlockArgs(Target(str(payload["u"]), "id"), int(str(payload["d"])), rule)
