"""Transactions that take turns on SQLite, for the writers of a fan-out.

SQLite lets one transaction write at a time, and every transaction here takes the
write lock at BEGIN (`storage.db`); one that finds it taken polls for it with sleeps
growing to 100 ms. A fan-out committing its chunks and the `ActionRunner` claiming
them lost up to a tenth of a second at each collision that way. Through `in_turn`
they queue in order in the process instead, each waiting one transaction. Only the
callers of `in_turn` take turns (the outbox runner and the announcement runs);
everything else still waits in SQLite's way. PostgreSQL locks rows, not the file,
and needs none of this.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession

from storage import Database

__all__ = ["in_turn"]

_TURNS: weakref.WeakKeyDictionary[Database, tuple[asyncio.AbstractEventLoop, asyncio.Lock]]
_TURNS = weakref.WeakKeyDictionary()


@contextlib.asynccontextmanager
async def in_turn(db: Database) -> AsyncIterator[AsyncSession]:
    """`db.transaction()`, but on SQLite only after this process's earlier askers."""
    if db.dialect != "sqlite":
        async with db.transaction() as session:
            yield session
        return
    loop = asyncio.get_running_loop()
    held = _TURNS.get(db)
    if held is None or held[0] is not loop:  # a lock serves the loop it first waited in
        held = _TURNS[db] = (loop, asyncio.Lock())
    async with held[1], db.transaction() as session:
        yield session
