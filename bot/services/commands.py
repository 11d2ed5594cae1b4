"""The moderator commands of issue [4/11], from parsed text to the service that acts.

Order matters: a moderator-only command is refused (with an audit row) before its
arguments are read, so a student learns nothing but "moderators only"; a command
that does not parse answers with its usage in one message; sanctions check that the
target may be sanctioned (not the owner, not another moderator, not oneself).
"""

from __future__ import annotations

from adapters.base import Event
from bot.moderation import (
    COMMANDS,
    Actor,
    BlockArgs,
    CaseArgs,
    CommandContext,
    DeleteArgs,
    Mention,
    ParsedCommand,
    Refusal,
    RemoveArgs,
    RulesArgs,
    Target,
    UnblockArgs,
    UnwarnArgs,
    UsageError,
    WarnArgs,
    WarnsArgs,
    can_moderate,
    can_sanction,
    command_spec,
    parse_args,
    split_command,
)
from bot.services.base import Moderation
from bot.services.blocking import Blocking
from bot.services.payload import payload_id, payload_int
from bot.services.records import Records
from bot.services.sanctions import Sanctions
from bot.services.warnings import Warnings

__all__ = ["COMMAND_NAMES", "Commands"]

# `/помощь` stays with the basic router; `/мой_статус` and `/извиниться` are issue [5/11].
_HERE = ("rules", "warn", "warns", "unwarn", "block", "unblock", "delete", "case", "remove")
COMMAND_NAMES: tuple[str, ...] = tuple(n for s in COMMANDS if s.key in _HERE for n in s.names)


class Commands:
    def __init__(
        self,
        m: Moderation,
        warnings: Warnings,
        blocking: Blocking,
        sanctions: Sanctions,
        records: Records,
    ) -> None:
        self.m = m
        self.warnings = warnings
        self.blocking = blocking
        self.sanctions = sanctions
        self.records = records

    async def handle(self, event: Event) -> None:
        split = split_command(event.text)
        spec = command_spec(split[0]) if split is not None else None
        if split is None or spec is None or spec.key not in _HERE:
            return
        if event.is_private and spec.where == "chat":
            return
        m = self.m
        if spec.moderator_only:
            facts = await m.moderators.facts(m.platform, event.chat_id, event.user_id)
            refusal = can_moderate(facts)
            if refusal is not None:
                await m.deny(event, refusal)
                return
        context = CommandContext(
            reply_user_id=event.reply_to_user_id or None,
            reply_message_id=event.reply_to_message_id or None,
            # MAX gives `@username` when it has no id (NOTES §3.3): nobody to sanction.
            mentions=tuple(Mention(u) for u in event.mentions if not u.startswith("@")),
        )
        rules = m.regulation.rules(m.platform, event.chat_id)
        parsed = parse_args(split[0], split[1], rules, context)
        if parsed is None:
            return
        if isinstance(parsed, UsageError):
            await m.answer(event, m.formats.usage(parsed), "usage")
            return
        refusal = await self._run(event, parsed)
        if refusal is not None:
            target = getattr(getattr(parsed, "target", None), "user_id", None)
            rule = getattr(parsed, "rule", None)
            await m.deny(event, refusal, target=target, rule_code=rule.code if rule else "")

    async def _run(self, event: Event, p: ParsedCommand) -> Refusal | None:
        m, key, chat, actor = self.m, event.key, event.chat_id, Actor.person(event.user_id)
        reply = event.message_id
        if isinstance(p, RulesArgs):
            rules = m.regulation.rules(m.platform, chat)
            text = m.formats.rule(p.rule) if p.rule else m.formats.rules(rules)
            await m.answer(event, text)
        elif isinstance(p, WarnsArgs):
            await m.answer(event, await self.records.warnings(chat, p))
        elif isinstance(p, CaseArgs):
            shown = await self.records.case(chat, p.case_number)
            if isinstance(shown, Refusal):
                return shown
            await m.answer(event, shown)
        elif isinstance(p, UnwarnArgs):
            return await self.sanctions.void(key, chat, p, actor, reply)
        elif isinstance(p, UnblockArgs):
            return await self.blocking.unblock(key, chat, p, actor, reply)
        elif isinstance(p, DeleteArgs):
            await self.sanctions.delete(key, chat, p, actor)
        elif isinstance(p, WarnArgs | BlockArgs | RemoveArgs):
            refusal = await self._may_sanction(event, p.target.user_id)
            if refusal is not None:
                return refusal
            if isinstance(p, WarnArgs):
                await self.warnings.warn(key, chat, p.target.user_id, p.rule, actor, p.text, reply)
            elif isinstance(p, BlockArgs):
                return await self.blocking.block(key, chat, p, actor, reply)
            else:
                await self.sanctions.remove(key, chat, p, actor, reply)
        return None

    async def _may_sanction(self, event: Event, target: str) -> Refusal | None:
        return await self._may_sanction_in(event.chat_id, event.user_id, target)

    async def proposal_pressed(self, event: Event) -> str:
        """The private "block for N days" button (point 5, `propose`): the same path as
        `/блок`, by whoever pressed it, if they moderate that chat. Returns the answer."""
        m, p = self.m, event.payload
        chat, target, days = payload_id(p, "c"), payload_id(p, "u"), payload_int(p, "d")
        if chat is None or target is None or days is None or "r" not in p:
            return m.formats.t("common.button_expired")
        code = str(p["r"])
        refusal = await self._may_sanction_in(chat, event.user_id, target)
        rule = m.regulation.rules(m.platform, chat).get(code)
        if refusal is None and rule is None:
            return m.formats.t("common.button_expired")
        if refusal is None and rule is not None:
            args = BlockArgs(Target(target, "id"), days, rule)
            refusal = await self.blocking.block(event.key, chat, args, Actor.person(event.user_id))
        return m.formats.refusal(refusal) if refusal else m.formats.t("sanction.proposal_done")

    async def _may_sanction_in(self, chat_id: str, actor_id: str, target: str) -> Refusal | None:
        facts = self.m.moderators.facts
        actor = await facts(self.m.platform, chat_id, actor_id)
        person = await facts(self.m.platform, chat_id, target)
        return can_sanction(actor, person, actor_id, target)
