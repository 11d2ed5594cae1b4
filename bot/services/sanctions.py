"""Withdrawing a warning, deleting a message, removing a person: each one audit row.

`/снять` (void) keeps the warning's row and marks it void with who and why, and its
own audit row points at the warning's (the log is append-only). `/удалить` is point
1 (remove negative content in time); `/исключить` is a removal that cites a rule
(point 7). Departures by the roster (point 8) are a later issue.
"""

from __future__ import annotations

from bot.moderation import (
    Actor,
    DeleteArgs,
    Reason,
    Refusal,
    RemoveArgs,
    StrikeView,
    UnwarnArgs,
    decide_delete,
    decide_remove,
    decide_void,
)
from bot.services.base import Moderation
from bot.services.curators import CuratorNotices
from storage.repos import AuditLog, Strikes

__all__ = ["Sanctions"]


class Sanctions:
    curators: CuratorNotices | None = None  # issue [6/11]: every removal to the curators

    def __init__(self, m: Moderation) -> None:
        self.m = m

    async def void(
        self, key: str, chat_id: str, args: UnwarnArgs, actor: Actor, reply_to: str | None = None
    ) -> Refusal | None:
        now = self.m.clock.now()
        case = args.case_number
        async with self.m.deciding(key) as ledger:
            if await ledger.seen("void"):
                return None
            chat = await ledger.chat(chat_id)
            warned = await AuditLog(ledger.session).by_case(chat.id, case)
            if warned is None:
                return Refusal(Reason.CASE_NOT_FOUND, {"case": case})
            strike = await Strikes(ledger.session).by_case(chat.id, case)
            if warned.action != "warn" or strike is None:
                return Refusal(Reason.CASE_NOT_WARNING, {"case": case})
            view = StrikeView(
                strike.id,
                strike.rule_code,
                strike.weight,
                strike.created_at,
                strike.expires_at,
                strike.voided_at,
                strike.case_number,
            )
            d = decide_void(view, now, actor, args.text)
            if isinstance(d, Refusal):
                return d
            by = actor.user_id or "system"
            await Strikes(ledger.session).void(strike.id, by=by, reason=args.text, at=now)
            record = await ledger.record(
                "void",
                actor,
                chat.id,
                at=now,
                target=strike.target_user_id,
                rule_code=strike.rule_code,
                rule_version=strike.rule_version,
                reason=args.text,
                corrects_id=warned.id,
            )
            text = self.m.formats.t("sanction.void_done", case=case, void_case=record.case_number)
            await ledger.send("void", chat_id, text, audit_id=record.id, reply_to=reply_to)
        return None

    async def delete(self, key: str, chat_id: str, args: DeleteArgs, actor: Actor) -> None:
        now = self.m.clock.now()
        target = args.target.user_id if args.target is not None else None
        d = decide_delete(args.rule, args.message_id, target, now, actor, args.text)
        f = self.m.formats
        async with self.m.deciding(key) as ledger:
            if await ledger.seen("delete"):
                return
            chat = await ledger.chat(chat_id)
            record = await ledger.record(
                "delete", actor, chat.id, at=now, target=target, rule=d.rule, reason=d.reason
            )
            await ledger.delete("delete", chat_id, [d.message_id], audit_id=record.id)
            text = f.t("sanction.delete_done", case=record.case_number, **f.rule_params(d.rule))
            await ledger.send("delete:note", chat_id, text, audit_id=record.id)

    async def remove(
        self, key: str, chat_id: str, args: RemoveArgs, actor: Actor, reply_to: str | None = None
    ) -> None:
        now = self.m.clock.now()
        target = args.target.user_id
        d = decide_remove(args.rule, target, now, actor, args.text)
        name = await self.m.name(chat_id, target)
        f = self.m.formats
        async with self.m.deciding(key) as ledger:
            if await ledger.seen("remove"):
                return
            chat = await ledger.chat(chat_id)
            record = await ledger.record(
                "remove", actor, chat.id, at=now, target=target, rule=d.rule, reason=d.reason
            )
            text = f.t(
                "sanction.remove_done", name=name, case=record.case_number, **f.rule_params(d.rule)
            )
            await ledger.send("remove", chat_id, text, audit_id=record.id, reply_to=reply_to)
            await ledger.remove("remove:kick", chat_id, target, audit_id=record.id)
            if self.curators is not None:
                await self.curators.removed(ledger, chat, record, d.rule, actor, name)
        self.m.moderators.forget(chat_id)
