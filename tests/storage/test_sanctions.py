"""Strikes and blocks, run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from storage.db import Database
from storage.repos import Blocks, Strikes
from tests.storage.helpers import T0, new_chat

DAY = timedelta(days=1)


class TestStrikes:
    async def test_active_ignores_voided_expired_and_future(self, db: Database) -> None:
        chat = await new_chat(db)
        async with db.transaction() as session:
            strikes = Strikes(session)
            kept = await strikes.add(chat.id, "u1", "obscene", created_at=T0)
            forever = await strikes.add(chat.id, "u1", "flood", created_at=T0, weight=2)
            await strikes.add(chat.id, "u1", "insult", created_at=T0, expires_at=T0 + DAY)
            voided = await strikes.add(chat.id, "u1", "insult", created_at=T0)
            await strikes.add(chat.id, "u1", "flood", created_at=T0 + 10 * DAY)
            await strikes.add(chat.id, "u2", "flood", created_at=T0)
            kept.expires_at = T0 + 30 * DAY
            assert await strikes.void(voided.id, by="teacher", reason="withdrawn", at=T0)
        now = T0 + 2 * DAY
        async with db.transaction() as session:
            strikes = Strikes(session)
            active = await strikes.active(chat.id, "u1", now)
            assert [s.id for s in active] == [kept.id, forever.id]
            assert await strikes.active_weight(chat.id, "u1", now) == 3
            assert await strikes.active_weight(chat.id, "nobody", now) == 0
            assert len(await strikes.history(chat.id, "u1")) == 5

    async def test_expiry_is_exclusive_at_the_instant(self, db: Database) -> None:
        chat = await new_chat(db)
        async with db.transaction() as session:
            strikes = Strikes(session)
            await strikes.add(chat.id, "u", "flood", created_at=T0, expires_at=T0 + DAY)
            assert (
                len(await strikes.active(chat.id, "u", T0 + DAY - timedelta(microseconds=1))) == 1
            )
            assert await strikes.active(chat.id, "u", T0 + DAY) == []

    async def test_void_happens_once(self, db: Database) -> None:
        chat = await new_chat(db)
        async with db.transaction() as session:
            strike = await Strikes(session).add(chat.id, "u", "obscene")
        async with db.transaction() as session:
            assert await Strikes(session).void(strike.id, by="t", reason="a") is True
            assert await Strikes(session).void(strike.id, by="u", reason="b") is False
            loaded = await Strikes(session).get(strike.id)
            assert loaded is not None and loaded.voided_by == "t" and loaded.void_reason == "a"


class TestBlocks:
    async def test_active_and_pending(self, db: Database) -> None:
        chat = await new_chat(db)
        async with db.transaction() as session:
            blocks = Blocks(session)
            week = await blocks.add(chat.id, "u1", "insult", starts_at=T0, ends_at=T0 + 7 * DAY)
            day = await blocks.add(
                chat.id, "u2", "flood", mode="remove", starts_at=T0, ends_at=T0 + DAY
            )
        now = T0 + 2 * DAY
        async with db.transaction() as session:
            blocks = Blocks(session)
            assert [b.id for b in await blocks.active(chat.id, now)] == [week.id]
            assert await blocks.active(chat.id, now, target_user_id="u2") == []
            due = [b.id for b in await blocks.pending_unblocks(now) if b.chat_id == chat.id]
            assert due == [day.id]
            ends = [b.id for b in await blocks.pending_ends() if b.chat_id == chat.id]
            assert ends == [day.id, week.id]

    async def test_lift_happens_once(self, db: Database) -> None:
        chat = await new_chat(db)
        async with db.transaction() as session:
            block = await Blocks(session).add(
                chat.id, "u", "insult", starts_at=T0, ends_at=T0 + DAY
            )
        async with db.transaction() as session:
            blocks = Blocks(session)
            assert await blocks.lift(block.id, by="system", reason="expired", at=T0 + DAY)
            assert not await blocks.lift(block.id, by="teacher", reason="apology")
            assert block.id not in {b.id for b in await blocks.pending_unblocks(T0 + 2 * DAY)}
            lifted = await blocks.get(block.id)
            assert lifted is not None and lifted.lift_reason == "expired"
            assert lifted.lifted_at == T0 + DAY
