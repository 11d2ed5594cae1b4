"""The curators' daily digest (issue [6/11]): the day's findings and sanctions per chat.

At the configured local time (`Settings.digest_time`, the school's time zone) each
curator with an account on this platform gets one private message summing up the
last 24 hours in the chats they curate: findings, warnings, deletions, blocks,
removals and false positives. A quiet day sends nothing. The timer `digest` is armed
for the next such moment at start and again after each run; the outbox key names
the day, so a digest run twice in a day (a restart) is sent once. A school with no
curator yet has no timer: `start` arms it when some chat has a curator, and the
first curator notice (`ensure`) arms it otherwise.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from bot.services.base import Moderation
from storage.models import AuditRecord, Chat, ChatCurator, Person

__all__ = ["Digest", "next_digest_at"]

TIMER = "digest"
_COUNTED = ("finding", "warn", "delete", "block", "remove", "false_positive")
_ACCOUNT = {"vk": Person.vk_user_id, "max": Person.max_user_id}


def next_digest_at(now: datetime, at: time, m: Moderation) -> datetime:
    """The next moment after `now` that is `at` on the school's clock."""
    zone = m.formats.zone
    local = now.astimezone(zone)
    moment = datetime.combine(local.date(), at, tzinfo=zone)
    if moment <= local:
        moment = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=zone)
    return moment.astimezone(now.tzinfo)


class Digest:
    def __init__(self, m: Moderation, at: time = time(18, 0)) -> None:
        self.m = m
        self.at = at
        self.sent = 0

    async def start(self) -> None:
        async with self.m.db.transaction() as session:
            curated = await session.execute(select(ChatCurator.chat_id).limit(1))
            if curated.first() is not None:
                self.arm()

    def ensure(self) -> None:
        if TIMER not in self.m.timers.pending():
            self.arm()

    def arm(self) -> datetime:
        when = next_digest_at(self.m.clock.now(), self.at, self.m)
        self.m.timers.arm(TIMER, when, self.run)
        return when

    async def run(self) -> None:
        """The `digest` timer: send today's digests, then arm tomorrow's."""
        try:
            await self.send(self.m.clock.now())
        finally:
            self.arm()

    async def send(self, now: datetime) -> int:
        """One message per curator with something to report; returns how many."""
        m = self.m
        account = _ACCOUNT.get(m.platform)
        if account is None:
            return 0
        since = now - timedelta(days=1)
        async with m.db.transaction() as session:
            curated = (
                select(account, Chat.id, Chat.title, Chat.platform_chat_id)
                .join(ChatCurator, ChatCurator.person_id == Person.person_id)
                .join(Chat, Chat.id == ChatCurator.chat_id)
                .where(Chat.platform == m.platform, account.is_not(None), Person.status == "active")
            )
            chats: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
            for user_id, chat_db_id, title, pid in (await session.execute(curated)).all():
                chats[str(user_id)].append((chat_db_id, title or pid))
            a = AuditRecord
            counted = (
                select(a.chat_id, a.action, func.count())
                .where(a.created_at >= since, a.created_at < now, a.action.in_(_COUNTED))
                .group_by(a.chat_id, a.action)
            )
            totals: Counter[tuple[int, str]] = Counter()
            for audit_chat, action, n in (await session.execute(counted)).all():
                if audit_chat is not None:
                    totals[audit_chat, action] += n
        day = now.astimezone(m.formats.zone).date().isoformat()
        sent = 0
        async with m.deciding(f"{m.platform}:digest:{day}") as ledger:
            for user_id, theirs in chats.items():
                text = self._text(day, theirs, totals)
                if text:
                    await ledger.private(f"digest:{user_id}", user_id, text)
                    sent += 1
        self.sent += sent
        return sent

    def _text(
        self, day: str, chats: list[tuple[int, str]], totals: Counter[tuple[int, str]]
    ) -> str:
        f = self.m.formats
        lines = []
        for chat_db_id, title in sorted(chats, key=lambda c: c[1]):
            n = {action: totals[chat_db_id, action] for action in _COUNTED}
            if any(n.values()):
                lines.append(
                    f.t(
                        "detection.digest_line",
                        chat=title,
                        findings=n["finding"],
                        warns=n["warn"],
                        deletes=n["delete"],
                        blocks=n["block"],
                        removes=n["remove"],
                        false_positives=n["false_positive"],
                    )
                )
        if not lines:
            return ""
        return "\n".join([f.t("detection.digest_head", day=day), *lines])
