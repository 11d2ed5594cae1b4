"""`/мой_статус`: a person's own strikes and blocks, in a private message (issue [5/11]).

Only the asker's own record, in every chat of the platform the bot knows them in;
never anyone else's. A block comes with how to apologise, unless its rule forbids an
early unblock.
"""

from __future__ import annotations

from bot.services.base import Moderation
from storage.repos import Blocks, Strikes
from storage.repos.person_record import PersonRecord

__all__ = ["Status"]


class Status:
    def __init__(self, m: Moderation) -> None:
        self.m = m

    async def of(self, user_id: str) -> str:
        m, f, now = self.m, self.m.formats, self.m.clock.now()
        lines = [f.t("status.title")]
        can_apologize = False
        async with m.db.transaction() as session:
            for chat in await PersonRecord(session, m.platform, user_id).chats():
                strikes = await Strikes(session).active(chat.id, user_id, now)
                blocks = await Blocks(session).active(chat.id, now, user_id)
                if not strikes and not blocks:
                    continue
                rules = m.regulation.rules(chat.platform, chat.platform_chat_id)
                lines.append(f.t("status.chat", chat=chat.title or chat.platform_chat_id))
                for strike in strikes:
                    rule = rules.get(strike.rule_code)
                    label = f"{rule.number} «{rule.title_for(f.texts.language)}»" if rule else ""
                    lines.append(
                        f.t(
                            "status.strike",
                            case=strike.case_number,
                            rule=label or strike.rule_code,
                            expires=f.when(strike.expires_at),
                        )
                    )
                for block in blocks:
                    rule = rules.get(block.rule_code)
                    label = f"{rule.number} «{rule.title_for(f.texts.language)}»" if rule else ""
                    lines.append(
                        f.t(
                            "status.block",
                            rule=label or block.rule_code,
                            ends_at=f.when(block.ends_at),
                        )
                    )
                    can_apologize |= not (rule is not None and rule.no_early_unblock)
        if len(lines) == 1:
            lines.append(f.t("status.nothing"))
        if can_apologize:
            lines.append(f.t("status.how_to_apologize"))
        return "\n".join(lines)
