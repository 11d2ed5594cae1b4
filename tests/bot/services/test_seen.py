"""The messages-seen counter: many chats written in one go, nothing lost on a failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.services.seen import SeenCounter
from storage import Database
from storage.models import Chat, MessageCount
from storage.repos import Chats
from tests.storage.conftest import db, db_url, postgresql_url, sqlite_url  # noqa: F401

MONDAY = datetime(2026, 11, 30, 9, tzinfo=UTC)


async def _counts(db: Database) -> dict[tuple[str, str], int]:  # noqa: F811
    async with db.transaction() as session:
        stmt = select(Chat.platform_chat_id, MessageCount.week, MessageCount.count).join(
            Chat, Chat.id == MessageCount.chat_id
        )
        rows = (await session.execute(stmt)).all()
        return {(chat, week.isoformat()): n for chat, week, n in rows}


async def test_counts_of_many_chats_add_up_across_flushes(db: Database) -> None:  # noqa: F811
    async with db.transaction() as session:  # one chat known before, the rest new
        await Chats(session).get_or_create("vk", "2000000001")
    clock = FakeClock(MONDAY)
    seen = SeenCounter(db, "vk", clock)
    chats = [str(2_000_000_001 + n) for n in range(1500)]  # more than one IN-chunk
    for n, chat in enumerate(chats):
        for _ in range(1 + n % 3):
            seen.count(chat)
    assert await seen.flush() == sum(1 + n % 3 for n in range(1500))
    seen.count(chats[0])
    seen.count(chats[0])
    assert await seen.flush() == 2
    clock.advance(timedelta(days=7))  # next week: a new row
    seen.count(chats[1])
    assert await seen.flush() == 1
    assert await seen.flush() == 0

    counts = await _counts(db)
    assert counts[(chats[0], "2026-11-30")] == 1 + 2
    assert counts[(chats[1], "2026-11-30")] == 2
    assert counts[(chats[1], "2026-12-07")] == 1
    assert counts[(chats[1499], "2026-11-30")] == 1 + 1499 % 3
    assert len(counts) == 1501
    async with db.transaction() as session:
        assert len((await session.execute(select(Chat.id))).all()) == 1500


async def test_a_failed_write_keeps_the_counts_for_the_next(db: Database) -> None:  # noqa: F811
    seen = SeenCounter(db, "vk", FakeClock(MONDAY))
    seen.count("2000000001")
    assert await seen.flush() == 1
    seen.count("2000000001")
    seen.count("2000000002")
    async with db.transaction() as session:  # the chats' rows go (a wiped database)
        for chat in (await session.execute(select(Chat))).scalars():
            await session.delete(chat)
    seen._ids["2000000001"] = 10_000  # a stale cached row id
    with pytest.raises(Exception):  # noqa: B017 - the foreign key, whatever the driver calls it
        await seen.flush()
    assert await seen.flush() == 2  # looked up again, created again, nothing lost
    assert await _counts(db) == {("2000000001", "2026-11-30"): 1, ("2000000002", "2026-11-30"): 1}
