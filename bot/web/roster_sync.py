"""The latest roster sync as the roster page shows it, read from what the sync wrote.

`bot.services.roster.apply_plan` leaves, per removal, an audit row (action
`departure_removal`, idempotency key `roster:<sync id>:<chat>:<user>`) and an outbox
`remove` row under the same key; a retry adds `<key>#r<n>`. The latest sync is the
one of the newest such audit row; each removal's outcome is its latest attempt's
status (pending, done, failed with the platform's error). A sync that removed
nobody writes no such row, so it does not show here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.roster import DEPARTURE_ACTION, KEY_PREFIX
from bot.web.render import when
from storage.models import AuditRecord, Chat, Person, PlatformAction

__all__ = ["PlannedRemoval", "SyncView", "latest_sync"]


@dataclass(frozen=True, slots=True)
class PlannedRemoval:
    chat: str
    user_id: str
    name: str
    reason: str
    status: str  # pending, done, failed
    error: str
    attempts: int


@dataclass(frozen=True, slots=True)
class SyncView:
    sync_id: str
    applied_at: str
    removals: list[PlannedRemoval]

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.removals)


def _departures(prefix: str) -> Select[AuditRecord]:
    a = AuditRecord
    return select(a).where(
        a.action == DEPARTURE_ACTION, a.idempotency_key.startswith(prefix, autoescape=True)
    )


async def latest_sync(session: AsyncSession, zone: str) -> SyncView | None:
    newest = (
        await session.execute(_departures(KEY_PREFIX).order_by(AuditRecord.id.desc()).limit(1))
    ).scalar_one_or_none()
    if newest is None or not newest.idempotency_key:
        return None
    sync = newest.idempotency_key.removeprefix(KEY_PREFIX).split(":", 1)[0]
    prefix = f"{KEY_PREFIX}{sync}:"
    records = list((await session.execute(_departures(prefix).order_by(AuditRecord.id))).scalars())
    actions = select(PlatformAction).where(
        PlatformAction.key.startswith(prefix, autoescape=True), PlatformAction.kind == "remove"
    )
    latest: dict[str, PlatformAction] = {}
    attempts: dict[str, int] = {}
    for row in (await session.execute(actions.order_by(PlatformAction.id))).scalars():
        base = row.key.partition("#")[0]
        latest[base] = row
        attempts[base] = attempts.get(base, 0) + 1
    chat_ids = {r.chat_id for r in records if r.chat_id is not None}
    chats = {
        c.id: c
        for c in (await session.execute(select(Chat).where(Chat.id.in_(chat_ids)))).scalars()
    }
    users = {r.target_user_id for r in records if r.target_user_id}
    people = (
        await session.execute(
            select(Person).where(or_(Person.vk_user_id.in_(users), Person.max_user_id.in_(users)))
        )
    ).scalars()
    names = {}
    for p in people:
        for platform, account in (("vk", p.vk_user_id), ("max", p.max_user_id)):
            if account:
                names[platform, account] = p.full_name
    removals = []
    for r in records:
        key = r.idempotency_key or ""
        chat = chats.get(r.chat_id) if r.chat_id is not None else None
        act = latest.get(key)
        user = r.target_user_id or ""
        removals.append(
            PlannedRemoval(
                chat=chat.title or chat.platform_chat_id if chat is not None else "",
                user_id=user,
                name=names.get((chat.platform, user), "") if chat is not None else "",
                reason=r.reason or "",
                status=act.status if act is not None else "pending",
                error=(act.error or "") if act is not None else "",
                attempts=attempts.get(key, 0),
            )
        )
    return SyncView(sync, when(records[0].created_at, zone), removals)
