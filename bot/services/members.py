"""Joining and leaving: the rules on join, their acknowledgement, a block that stays.

Regulation point 3: a newcomer gets the chat's rules with an "Ознакомлен(а)" button,
and pressing it records the acknowledgement (membership and audit row `rules_ack`);
with the policy `hold_newcomers` their messages are deleted until then. Point 2: the
bot never adds anyone; it only records who came and went. A blocked person who
leaves and comes back is still blocked: a mute simply goes on (the mute map is kept
by person, not by stay), a `remove` block removes them again.
"""

from __future__ import annotations

from adapters.base import Button, Event, Keyboard
from bot.moderation import Actor
from bot.services.base import Moderation
from bot.services.ledger import Ledger
from storage.models import Block, Chat
from storage.repos import AuditLog, Blocks, Memberships

__all__ = ["ACKNOWLEDGE", "Members"]

ACKNOWLEDGE = "rules_ack"  # the button's `cmd`


class Members:
    def __init__(self, m: Moderation) -> None:
        self.m = m

    async def joined(self, event: Event) -> None:
        m, chat_id, user_id = self.m, event.chat_id, event.user_id
        rules, policy = m.regulation.for_chat(m.platform, chat_id)
        m.moderators.forget(chat_id)
        name = await m.name(chat_id, user_id)
        now = m.clock.now()
        f = m.formats
        async with m.deciding(event.key) as ledger:
            chat = await ledger.chat(chat_id)
            await Memberships(ledger.session).joined(chat.id, user_id, at=now)
            blocks = await Blocks(ledger.session).active(chat.id, now, user_id)
            if blocks:
                await self._still_blocked(ledger, chat, blocks[0], name)
                return
            keyboard = Keyboard.of(
                [Button(f.t("joining.button_ack"), {"cmd": ACKNOWLEDGE}, "positive")]
            )
            text = f.t("joining.welcome", name=name, rules=f.rules(rules))
            await ledger.send("welcome", chat_id, text, keyboard=keyboard)
        if policy.hold_newcomers:
            await m.restrictions.hold(m.platform, chat_id, user_id)

    async def _still_blocked(self, ledger: Ledger, chat: Chat, block: Block, name: str) -> None:
        f = self.m.formats
        ends_at = f.when(block.ends_at)
        pid = chat.platform_chat_id
        if block.mode != "remove":
            await ledger.send(
                "still-muted", pid, f.t("sanction.still_muted", name=name, ends_at=ends_at)
            )
            return
        cited = (
            await AuditLog(ledger.session).by_case(chat.id, block.case_number)
            if block.case_number
            else None
        )
        record = await ledger.record(
            "remove",
            Actor.system(),
            chat.id,
            at=self.m.clock.now(),
            target=block.target_user_id,
            rule_code=block.rule_code,
            rule_version=cited.rule_version if cited is not None else None,
            reason=f"block in force (case {block.case_number})",
        )
        text = f.t("sanction.removed_again", name=name, ends_at=ends_at)
        await ledger.send("removed-again", pid, text, audit_id=record.id)
        await ledger.remove("removed-again:kick", pid, block.target_user_id, audit_id=record.id)

    async def left(self, event: Event) -> None:
        m = self.m
        m.moderators.forget(event.chat_id)
        await m.restrictions.release(m.platform, event.chat_id, event.user_id)
        async with m.db.transaction() as session:
            ledger = Ledger(session, m.platform, event.key)
            chat = await ledger.chat(event.chat_id)
            await Memberships(session).left(chat.id, event.user_id, at=m.clock.now())

    async def acknowledge(self, event: Event) -> None:
        """The "Ознакомлен(а)" button: recorded once per stay, whoever presses it when."""
        m, now = self.m, self.m.clock.now()
        async with m.deciding(event.key) as ledger:
            chat = await ledger.chat(event.chat_id)
            stays = Memberships(ledger.session)
            stay = await stays.current(chat.id, event.user_id)
            if stay is None:  # in the chat since before the bot came
                stay = await stays.joined(chat.id, event.user_id, at=now)
            if stay.acknowledged_rules_at is None:
                await stays.acknowledge(chat.id, event.user_id, at=now)
                await ledger.record(
                    "rules_ack", Actor.person(event.user_id), chat.id, at=now, target=event.user_id
                )
        await m.restrictions.release(m.platform, event.chat_id, event.user_id)
        await m.adapter.answer_button(event, m.formats.t("joining.acknowledged"))

    async def bot_added(self, event: Event) -> None:
        """Register the chat; where the bot must be an admin to read, say what to grant."""
        m = self.m
        check = getattr(m.adapter, "check_rights", None)
        text = None
        if m.adapter.capabilities.needs_admin_to_read and check is not None:
            is_admin, missing = await check(event.chat_id)
            if missing:
                f = m.formats
                lines = [f.t("rights.head_admin" if is_admin else "rights.head")]
                lines += [f"• {f.t(f'rights.{right}')}" for right in missing]
                if not is_admin or "read_all_messages" in missing:
                    lines.append(f.t("rights.tail"))
                text = "\n".join(lines)
        async with m.deciding(event.key) as ledger:
            await ledger.chat(event.chat_id)
            if text is not None:
                await ledger.send("rights", event.chat_id, text)
