"""Long-poll cursors: `adapters.base.CursorStore` over the database.

`Cursors` works inside a caller's transaction; `DatabaseCursors` is what an event
source is given, committing each save on its own, because the cursor must be
recorded only after the batch it follows has been handled.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import EventCursor, utcnow
from storage.repos._upsert import insert_for

__all__ = ["Cursors", "DatabaseCursors"]


class Cursors:
    """Cursor rows in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def load_cursor(self, key: str) -> str | None:
        stmt = select(EventCursor.cursor).where(EventCursor.bot_key == key)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def save_cursor(self, key: str, value: str) -> None:
        now = utcnow()
        stmt = insert_for(self.session, EventCursor).values(
            bot_key=key, cursor=value, updated_at=now
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[EventCursor.bot_key], set_={"cursor": value, "updated_at": now}
        )
        await self.session.execute(stmt)


class DatabaseCursors:
    """A `CursorStore` that opens a short transaction per call."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def load_cursor(self, key: str) -> str | None:
        async with self.db.transaction() as session:
            return await Cursors(session).load_cursor(key)

    async def save_cursor(self, key: str, value: str) -> None:
        async with self.db.transaction() as session:
            await Cursors(session).save_cursor(key, value)
