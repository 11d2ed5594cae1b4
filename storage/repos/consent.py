"""Apologies and objection windows for early unblocks (regulation point 6).

Closing a window is a conditional update from `open`, so a timer firing twice or two
workers closing at once settle it exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Apology, ConsentWindow, Objection, utcnow
from storage.repos._upsert import insert_for

__all__ = ["ConsentWindows"]


class ConsentWindows:
    """Apologies, windows and objections in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_apology(
        self, block_id: int, author_user_id: str, text: str, *, at: datetime | None = None
    ) -> Apology:
        apology = Apology(
            block_id=block_id, author_user_id=author_user_id, text=text, created_at=at or utcnow()
        )
        self.session.add(apology)
        await self.session.flush()
        return apology

    async def open(
        self,
        block_id: int,
        *,
        closes_at: datetime,
        eligible_voters: Iterable[str],
        apology_id: int | None = None,
        opened_at: datetime | None = None,
    ) -> ConsentWindow:
        window = ConsentWindow(
            block_id=block_id,
            apology_id=apology_id,
            opened_at=opened_at or utcnow(),
            closes_at=closes_at,
            status="open",
            eligible_voters=sorted(set(eligible_voters)),
        )
        self.session.add(window)
        await self.session.flush()
        return window

    async def get(self, window_id: int) -> ConsentWindow | None:
        return await self.session.get(ConsentWindow, window_id)

    async def add_objection(
        self, window_id: int, user_id: str, *, at: datetime | None = None
    ) -> bool:
        """Record an objection; False if this person had already objected."""
        stmt = insert_for(self.session, Objection).values(
            window_id=window_id, user_id=user_id, created_at=at or utcnow()
        )
        stmt = stmt.on_conflict_do_nothing().returning(Objection.user_id)
        return (await self.session.execute(stmt)).first() is not None

    async def objectors(self, window_id: int) -> list[str]:
        stmt = (
            select(Objection.user_id)
            .where(Objection.window_id == window_id)
            .order_by(Objection.created_at, Objection.user_id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def open_windows(self) -> list[ConsentWindow]:
        """Windows still open, soonest close first: the timers to re-arm at start."""
        stmt = (
            select(ConsentWindow)
            .where(ConsentWindow.status == "open")
            .order_by(ConsentWindow.closes_at, ConsentWindow.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def close(self, window_id: int, status: str) -> bool:
        """Settle an open window as `passed`, `objected` or `cancelled`; False if settled."""
        if status == "open":
            raise ValueError("a window is closed to passed, objected or cancelled")
        stmt = (
            update(ConsentWindow)
            .where(ConsentWindow.id == window_id, ConsentWindow.status == "open")
            .values(status=status)
            .execution_options(synchronize_session="fetch")
        )
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def apology(self, apology_id: int) -> Apology | None:
        return await self.session.get(Apology, apology_id)

    async def apologies_by(self, author_user_id: str) -> list[Apology]:
        """Everything this person apologised with before: a repeat is refused."""
        stmt = (
            select(Apology)
            .where(Apology.author_user_id == author_user_id)
            .order_by(Apology.created_at, Apology.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def latest_for_block(self, block_id: int) -> ConsentWindow | None:
        """The block's newest window, whatever its status: what `/разблок` must respect."""
        stmt = (
            select(ConsentWindow)
            .where(ConsentWindow.block_id == block_id)
            .order_by(ConsentWindow.opened_at.desc(), ConsentWindow.id.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()
