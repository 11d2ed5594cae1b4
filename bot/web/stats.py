"""The numbers behind the statistics page, per chat and per week.

Week buckets are computed in SQL (Monday, UTC) with each dialect's date functions,
then folded here; the counts come from the audit log's actions:
`warn`, `block`, `remove`, `delete` cite a rule and count as violations; a roster
`departure_removal` is a removal but no violation; a detector's `warn` (acted on)
and `finding` (sent for review) rows are its automatic findings; `false_positive`
(a person's row carrying the detector's name) marks one that was wrong.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, and_, cast, exists, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AuditRecord,
    Chat,
    ChatCurator,
    Membership,
    MessageCount,
    Person,
    PlatformAction,
)
from storage.repos.dashboard import week_of

__all__ = ["FINDINGS", "REMOVALS", "SANCTIONS", "Stats", "collect"]

SANCTIONS = ("warn", "block", "remove", "delete")
REMOVALS = ("remove", "departure_removal")
FINDINGS = ("warn", "finding")


@dataclass
class Stats:
    weeks: list[date]
    messages: dict[tuple[int, date], int] = field(default_factory=dict)
    actions: Counter[tuple[int, date, str]] = field(default_factory=Counter)
    rules: Counter[tuple[int, str]] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)
    false_positives: Counter[str] = field(default_factory=Counter)
    active: dict[int, int] = field(default_factory=dict)
    unknown: dict[int, int] = field(default_factory=dict)
    unreachable: list[str] = field(default_factory=list)

    def week_total(self, what: str) -> list[int]:
        """Per week across chats: "messages", "violations" or an action name."""
        totals: defaultdict[date, int] = defaultdict(int)
        if what == "messages":
            for (_, week), n in self.messages.items():
                totals[week] += n
        else:
            for (_, week, action), n in self.actions.items():
                if action == what or (what == "violations" and action in SANCTIONS):
                    totals[week] += n
        return [totals[w] for w in self.weeks]


def _week_expr(dialect: str) -> Any:
    at = AuditRecord.created_at
    if dialect == "sqlite":
        return func.date(at, "weekday 0", "-6 days")
    return cast(func.date_trunc("week", func.timezone("UTC", at)), Date)


def _in(column: Any, chats: frozenset[int] | None) -> Any:
    return column.in_(sorted(chats)) if chats is not None else True


async def collect(
    session: AsyncSession, chats: frozenset[int] | None, now: datetime, n: int
) -> Stats:
    """The last `n` weeks up to `now`, limited to `chats` (None: all)."""
    last = week_of(now)
    weeks = [last - timedelta(weeks=i) for i in reversed(range(n))]
    stats = Stats(weeks)
    start = datetime.combine(weeks[0], time(), tzinfo=UTC)
    counts = select(MessageCount).where(
        MessageCount.week >= weeks[0], _in(MessageCount.chat_id, chats)
    )
    for row in (await session.execute(counts)).scalars():
        stats.messages[row.chat_id, row.week] = row.count
    a = AuditRecord
    week = _week_expr(session.get_bind().dialect.name)
    grouped = (
        select(a.chat_id, week, a.action, a.rule_code, a.actor_kind, a.detector_name, func.count())
        .where(a.created_at >= start, a.chat_id.is_not(None), _in(a.chat_id, chats))
        .group_by(a.chat_id, week, a.action, a.rule_code, a.actor_kind, a.detector_name)
    )
    for chat_id, wk, action, rule, kind, detector, count in (await session.execute(grouped)).all():
        day = wk if isinstance(wk, date) else date.fromisoformat(str(wk)[:10])
        stats.actions[chat_id, day, action] += count
        if action in SANCTIONS and rule:
            stats.rules[chat_id, rule] += count
        if action == "false_positive" and detector:
            stats.false_positives[detector] += count
        elif kind == "detector" and detector and action in FINDINGS:
            stats.findings[detector] += count
    await _members(session, chats, stats)
    stats.unreachable = await _unreachable_curators(session, chats)
    return stats


async def _members(session: AsyncSession, chats: frozenset[int] | None, stats: Stats) -> None:
    m = Membership
    open_ = and_(m.left_at.is_(None), _in(m.chat_id, chats))
    active = select(m.chat_id, func.count()).where(open_).group_by(m.chat_id)
    stats.active = {c: n for c, n in (await session.execute(active)).all()}
    known = exists().where(
        or_(
            and_(Chat.platform == "vk", Person.vk_user_id == m.user_id),
            and_(Chat.platform == "max", Person.max_user_id == m.user_id),
        )
    )
    unknown = (
        select(m.chat_id, func.count())
        .join(Chat, Chat.id == m.chat_id)
        .where(open_, not_(known))
        .group_by(m.chat_id)
    )
    stats.unknown = {c: n for c, n in (await session.execute(unknown)).all()}


async def _unreachable_curators(session: AsyncSession, chats: frozenset[int] | None) -> list[str]:
    """Curators whose private messages the platform refused (privacy settings)."""
    failed = select(PlatformAction.platform, PlatformAction.params).where(
        PlatformAction.kind == "private",
        PlatformAction.status == "failed",
        PlatformAction.error.like("PrivacyRefused%"),
    )
    refused = {
        (p, str(params.get("user_id"))) for p, params in (await session.execute(failed)).all()
    }
    if not refused:
        return []
    curators = (
        select(Person.full_name, Person.vk_user_id, Person.max_user_id)
        .join(ChatCurator, ChatCurator.person_id == Person.person_id)
        .where(_in(ChatCurator.chat_id, chats))
        .distinct()
    )
    names = set()
    for name, vk, mx in (await session.execute(curators)).all():
        if ("vk", vk) in refused or ("max", mx) in refused:
            names.add(name)
    return sorted(names)
