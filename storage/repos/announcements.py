"""Announcements and their runs: what is due, what was fanned out, what awaits a report.

Advancing an announcement is a conditional update on its `next_run_at`, so two
schedulers (or a replay after a crash) cannot both move it past the same run.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Announcement,
    AnnouncementRun,
    Chat,
    Delivery,
    PlatformAction,
    utcnow,
)
from storage.repos._upsert import insert_for

__all__ = ["Announcements"]


class Announcements:
    """Announcement rows, their runs and per-run delivery tallies."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, announcement_id: int) -> Announcement | None:
        return await self.session.get(Announcement, announcement_id)

    async def listing(self, *, statuses: Sequence[str] | None = None) -> list[Announcement]:
        stmt = select(Announcement).order_by(Announcement.id)
        if statuses:
            stmt = stmt.where(Announcement.status.in_(list(statuses)))
        return list((await self.session.execute(stmt)).scalars())

    async def due(self, now: datetime) -> list[Announcement]:
        """Active announcements whose next run has come, earliest first."""
        stmt = (
            select(Announcement)
            .where(Announcement.status == "active", Announcement.next_run_at <= now)
            .order_by(Announcement.next_run_at, Announcement.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def next_run_at(self) -> datetime | None:
        stmt = select(func.min(Announcement.next_run_at)).where(Announcement.status == "active")
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def set_status(self, announcement_id: int, status: str, *, expect: str) -> bool:
        stmt = (
            update(Announcement)
            .where(Announcement.id == announcement_id, Announcement.status == expect)
            .values(status=status, active=status in ("draft", "active"))
        )
        return bool((await self.session.execute(stmt)).rowcount)  # type: ignore[attr-defined]

    async def advance(self, announcement_id: int, run_at: datetime, nxt: datetime | None) -> bool:
        """Move past `run_at` if it is still the next run; finish when nothing follows."""
        values: dict[str, object] = {
            "next_run_at": nxt,
            "runs_done": Announcement.runs_done + 1,
        }
        if nxt is None:
            values.update(status="finished", active=False)
        stmt = (
            update(Announcement)
            .where(Announcement.id == announcement_id, Announcement.next_run_at == run_at)
            .values(**values)
        )
        return bool((await self.session.execute(stmt)).rowcount)  # type: ignore[attr-defined]

    async def record_run(
        self, announcement_id: int, run_at: datetime, status: str, chats: int
    ) -> None:
        stmt = insert_for(self.session, AnnouncementRun).values(
            announcement_id=announcement_id,
            run_at=run_at,
            status=status,
            chats=chats,
            created_at=utcnow(),
        )
        await self.session.execute(stmt.on_conflict_do_nothing())

    async def unreported_runs(self) -> list[AnnouncementRun]:
        stmt = (
            select(AnnouncementRun)
            .where(AnnouncementRun.reported_at.is_(None))
            .order_by(AnnouncementRun.run_at, AnnouncementRun.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def mark_reported(self, run_id: int, at: datetime) -> bool:
        stmt = (
            update(AnnouncementRun)
            .where(AnnouncementRun.id == run_id, AnnouncementRun.reported_at.is_(None))
            .values(reported_at=at)
        )
        return bool((await self.session.execute(stmt)).rowcount)  # type: ignore[attr-defined]

    async def deliveries(
        self, announcement_id: int, run_at: datetime
    ) -> list[tuple[Delivery, Chat]]:
        stmt = (
            select(Delivery, Chat)
            .join(Chat, Chat.id == Delivery.chat_id)
            .where(Delivery.announcement_id == announcement_id, Delivery.run_at == run_at)
            .order_by(Delivery.chat_id)
        )
        return [(d, c) for d, c in (await self.session.execute(stmt)).all()]

    async def chats_on(self, platform: str) -> list[Chat]:
        """Every chat of a platform with its tags: the pool targets resolve against."""
        stmt = select(Chat).where(Chat.platform == platform).order_by(Chat.id)
        return list((await self.session.execute(stmt)).scalars())

    async def queue_actions(self, rows: Sequence[dict[str, object]], now: datetime) -> None:
        """Outbox rows in bulk (keys already present are left alone): one fan-out's sends.

        `now` is the caller's clock, so a row is due when that clock says so, or when
        the wall clock does if that is earlier: the running bot's `ActionRunner` reads
        the wall clock even when a test moves the bot's clock ahead.
        """
        if not rows:
            return
        now = min(now, utcnow())
        full = [
            {"audit_id": None, "status": "pending", "attempts": 0, "created_at": now,
             "not_before": now, **r}
            for r in rows
        ]  # fmt: skip
        for start in range(0, len(full), 500):  # stay under the drivers' parameter limits
            stmt = insert_for(self.session, PlatformAction).values(full[start : start + 500])
            await self.session.execute(stmt.on_conflict_do_nothing())

    async def actions(self, keys: Sequence[str]) -> dict[str, PlatformAction]:
        found: dict[str, PlatformAction] = {}
        for start in range(0, len(keys), 500):
            stmt = select(PlatformAction).where(PlatformAction.key.in_(keys[start : start + 500]))
            found.update((a.key, a) for a in (await self.session.execute(stmt)).scalars())
        return found

    async def pending_deliveries(self) -> list[Delivery]:
        stmt = select(Delivery).where(Delivery.status == "pending").order_by(Delivery.id)
        return list((await self.session.execute(stmt)).scalars())
