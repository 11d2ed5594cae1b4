"""Announcement deliveries: planned before sending, marked after, never doubled.

A run is planned as one pending row per chat (duplicates ignored by the unique key),
then each row is sent and marked; after a restart `pending` lists exactly what is
left of the fan-out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Announcement, Delivery, utcnow
from storage.repos._upsert import insert_for

__all__ = ["Deliveries"]


class Deliveries:
    """Deliveries (and the announcements they belong to) in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_announcement(self, announcement: Announcement) -> Announcement:
        self.session.add(announcement)
        await self.session.flush()
        return announcement

    async def plan(self, announcement_id: int, run_at: datetime, chat_ids: Iterable[int]) -> int:
        """Create pending rows for a run; returns how many were new."""
        rows = [
            {
                "announcement_id": announcement_id,
                "run_at": run_at,
                "chat_id": c,
                "status": "pending",
            }
            for c in sorted(set(chat_ids))
        ]
        if not rows:
            return 0
        stmt = insert_for(self.session, Delivery).values(rows).on_conflict_do_nothing()
        stmt = stmt.returning(Delivery.id)
        return len((await self.session.execute(stmt)).all())

    async def get(self, announcement_id: int, run_at: datetime, chat_id: int) -> Delivery | None:
        stmt = select(Delivery).where(
            Delivery.announcement_id == announcement_id,
            Delivery.run_at == run_at,
            Delivery.chat_id == chat_id,
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def pending(self, announcement_id: int | None = None) -> list[Delivery]:
        """Deliveries not yet sent or failed, oldest run first."""
        stmt = select(Delivery).where(Delivery.status == "pending")
        if announcement_id is not None:
            stmt = stmt.where(Delivery.announcement_id == announcement_id)
        stmt = stmt.order_by(Delivery.run_at, Delivery.id)
        return list((await self.session.execute(stmt)).scalars())

    async def mark_sent(
        self, delivery_id: int, message_id: str, *, at: datetime | None = None
    ) -> bool:
        """Record success; False if the row was no longer pending."""
        return await self._finish(
            delivery_id, status="sent", platform_message_id=message_id, sent_at=at or utcnow()
        )

    async def mark_failed(self, delivery_id: int, error: str) -> bool:
        return await self._finish(delivery_id, status="failed", error=error)

    async def _finish(self, delivery_id: int, **values: object) -> bool:
        stmt = (
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == "pending")
            .values(**values)
            .execution_options(synchronize_session="fetch")
        )
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0))
