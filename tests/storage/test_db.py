"""Engine set-up: SQLite behaves like a database, and foreign keys hold on both."""

from __future__ import annotations

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
