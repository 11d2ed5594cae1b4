"""Reading the record: `/преды` (active warnings) and `/дело` (one case).

A case shows the rule as it read in the version recorded with it (regulation
point 7) and the platform outcome from its outbox rows, since the audit row itself
is never updated.
"""

from __future__ import annotations

from bot.moderation import Reason, Refusal, WarnsArgs
from bot.services.base import Moderation
from storage.models import AuditRecord, PlatformAction, Strike
from storage.repos import AuditLog, Chats, Outbox, Strikes

__all__ = ["Records"]

MAX_LINES = 30


class Records:
    def __init__(self, m: Moderation) -> None:
        self.m = m

    async def warnings(self, chat_id: str, args: WarnsArgs) -> str:
        now = self.m.clock.now()
        f = self.m.formats
        target = args.target.user_id if args.target is not None else None
        async with self.m.db.transaction() as session:
            chat = await Chats(session).find(self.m.platform, chat_id)
            strikes: list[Strike] = []
            if chat is not None:
                repo = Strikes(session)
                strikes = await (
                    repo.active(chat.id, target, now)
                    if target
                    else repo.active_in_chat(chat.id, now)
                )
            audit = AuditLog(session)
            cases = {
                s.id: await audit.by_case(s.chat_id, s.case_number)
                for s in strikes
                if s.case_number is not None
            }
        if target is not None:
            head = f.t("warns.person", name=await self.m.name(chat_id, target), count=len(strikes))
        else:
            head = f.t("warns.chat", count=len(strikes))
        if not strikes:
            return f"{head}\n{f.t('warns.none')}"
        lines = [head]
        for strike in strikes[-MAX_LINES:]:
            record = cases.get(strike.id)
            moderator = await self._who(chat_id, record)
            lines.append(
                f.t(
                    "warns.line",
                    case=strike.case_number,
                    date=f.when(strike.created_at),
                    name=await self.m.name(chat_id, strike.target_user_id),
                    rule=strike.rule_code,
                    moderator=moderator,
                    expires=f.when(strike.expires_at),
                )
            )
        return "\n".join(lines)

    async def case(self, chat_id: str, number: int) -> str | Refusal:
        async with self.m.db.transaction() as session:
            chat = await Chats(session).find(self.m.platform, chat_id)
            record = await AuditLog(session).by_case(chat.id, number) if chat else None
            if record is None:
                return Refusal(Reason.CASE_NOT_FOUND, {"case": number})
            actions = await Outbox(session).for_audit(record.id)
            corrected = (
                await AuditLog(session).get(record.corrects_id) if record.corrects_id else None
            )
        f = self.m.formats
        lines = [
            f.t(
                "case.header",
                case=number,
                date=f.when(record.created_at),
                action=f.t(f"case_action.{record.action}"),
            ),
            f.t("case.actor", actor=await self._who(chat_id, record)),
        ]
        if record.target_user_id:
            lines.append(f.t("case.target", name=await self.m.name(chat_id, record.target_user_id)))
        if record.rule_code:
            lines.append(self._rule_line(chat_id, record))
        if record.reason:
            lines.append(f.t("case.reason", reason=record.reason))
        if corrected is not None:
            lines.append(f.t("case.corrects", case=corrected.case_number))
        lines.append(f.t("case.outcome", outcome=self._outcome(actions)))
        return "\n".join(lines)

    def _rule_line(self, chat_id: str, record: AuditRecord) -> str:
        f = self.m.formats
        current = self.m.regulation.rules(self.m.platform, chat_id)
        rule = self.m.regulation.rule_of_case(record.rule_version, record.rule_code or "", current)
        if rule is None:
            params = {"rule_number": "", "rule_title": record.rule_code}
        else:
            params = f.rule_params(rule)
        return f.t(
            "case.rule",
            version=record.rule_version or "—",
            rule_number=params["rule_number"],
            rule_title=params["rule_title"],
        )

    def _outcome(self, actions: list[PlatformAction]) -> str:
        f = self.m.formats
        if not actions:
            return f.t("case.outcome_none")
        parts = []
        for action in actions:
            status = f.t(f"case.outcome_{action.status}", error=action.error or "")
            parts.append(f"{action.kind}: {status}")
        return "; ".join(parts)

    async def _who(self, chat_id: str, record: AuditRecord | None) -> str:
        f = self.m.formats
        if record is None:
            return "—"
        if record.actor_kind == "person" and record.actor_id:
            return await self.m.name(chat_id, record.actor_id)
        if record.actor_kind == "detector":
            return f.t(
                "case.actor_detector", name=record.detector_name, version=record.detector_version
            )
        return f.t("case.actor_system")
