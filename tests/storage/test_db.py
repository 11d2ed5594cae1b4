"""Engine set-up: SQLite behaves like a database, and foreign keys hold on both."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.repos import Chats, Strikes
from tests.storage.helpers import unique


async def test_sqlite_runs_with_foreign_keys_and_wal(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        async with db.transaction() as session:
            assert (await session.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
            assert (await session.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
    finally:
        await db.close()


async def _backends(db: Database, side_by_side: int, rounds: int) -> set[int]:
    """The PostgreSQL backends that served `rounds` of transactions run side by side."""
    seen: set[int] = set()

    async def one() -> None:
        async with db.transaction() as session:
            seen.add((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())
            await session.execute(text("SELECT pg_sleep(0.02)"))

    for _ in range(rounds):
        await asyncio.gather(*(one() for _ in range(side_by_side)))
    return seen


async def test_the_pool_keeps_what_a_worker_uses_side_by_side(postgresql_url: str) -> None:
    """Twelve transactions at once, as a worker's partitions run them: with the
    `database_pool` setting the same twelve connections serve every round; with
    SQLAlchemy's default pool of 5, the rest are opened and closed each time."""
    default, sized = Database(postgresql_url), Database(postgresql_url, pool=12)
    try:
        churned = await _backends(default, side_by_side=12, rounds=4)
        kept = await _backends(sized, side_by_side=12, rounds=4)
    finally:
        await default.close()
        await sized.close()
    assert len(churned) > 12
    assert len(kept) == 12


class TestDatabase:
    async def test_foreign_keys_are_enforced(self, db: Database) -> None:
        with pytest.raises(IntegrityError):
            async with db.transaction() as session:
                await Strikes(session).add(2_000_000_000, "u", "obscene")

    async def test_transaction_rolls_back_as_a_whole(self, db: Database) -> None:
        platform_id = unique("chat-")
        with pytest.raises(RuntimeError):
            async with db.transaction() as session:
                chat = await Chats(session).get_or_create("vk", platform_id)
                await Strikes(session).add(chat.id, "u", "flood")
                raise RuntimeError("the decision failed halfway")
        async with db.transaction() as session:
            assert await Chats(session).find("vk", platform_id) is None
