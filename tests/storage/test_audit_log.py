"""The audit log contract, run on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import AuditRecord
from storage.repos import AuditLog
from tests.storage.helpers import T0, new_chat, unique


async def append(db: Database, chat_id: int | None, **kwargs: object) -> AuditRecord:
    async with db.transaction() as session:
        fields: dict[str, object] = {"action": "warn", "actor_kind": "person", "actor_id": "42"}
        return await AuditLog(session).append(chat_id=chat_id, **(fields | kwargs))  # type: ignore[arg-type]


class TestAuditLog:
    async def test_case_numbers_count_per_chat(self, db: Database) -> None:
        first, second = await new_chat(db), await new_chat(db)
        numbers = [
            (await append(db, chat.id)).case_number for chat in (first, second, first, first)
        ]
        assert numbers == [1, 1, 2, 3]

    async def test_concurrent_appends_leave_no_gaps(self, db: Database) -> None:
        chat = await new_chat(db)
        records = await asyncio.gather(*(append(db, chat.id) for _ in range(20)))
        assert sorted(r.case_number or 0 for r in records) == list(range(1, 21))

    async def test_rolled_back_append_leaves_no_gap(self, db: Database) -> None:
        chat = await new_chat(db)
        await append(db, chat.id)
        with pytest.raises(RuntimeError):
            async with db.transaction() as session:
                await AuditLog(session).append(chat_id=chat.id, action="warn", actor_kind="system")
                raise RuntimeError("the platform call failed before commit")
        assert (await append(db, chat.id)).case_number == 2

    async def test_record_without_chat_has_no_case(self, db: Database) -> None:
        record = await append(db, None)
        assert record.case_number is None

    async def test_idempotency_key_returns_the_first_record(self, db: Database) -> None:
        chat = await new_chat(db)
        key = unique("warn:")
        first = await append(db, chat.id, idempotency_key=key, rule_code="obscene")
        again = await append(db, chat.id, idempotency_key=key, rule_code="insult")
        assert again.id == first.id and again.rule_code == "obscene"
        assert (await append(db, chat.id)).case_number == 2  # the replay took no number

    async def test_concurrent_replays_write_one_record(self, db: Database) -> None:
        chat = await new_chat(db)
        key = unique("block:")
        records = await asyncio.gather(
            *(append(db, chat.id, idempotency_key=key) for _ in range(5))
        )
        assert len({r.id for r in records}) == 1
        async with db.transaction() as session:
            count = await session.scalar(
                select(func.count()).where(AuditRecord.idempotency_key == key)
            )
            assert await AuditLog(session).by_idempotency_key(key) is not None
        assert count == 1
        assert (await append(db, chat.id)).case_number == 2  # the losers gave theirs back

    async def test_a_key_taken_after_the_lookup_gives_its_case_number_back(
        self, db: Database
    ) -> None:
        chat = await new_chat(db)
        key = unique("warn:")
        first = await append(db, chat.id, idempotency_key=key, rule_code="obscene")
        # As when a concurrent writer commits the key between this lookup and the insert.
        again = await append(db, chat.id, idempotency_key=key, rule_code="insult", checked=True)
        assert again.id == first.id and again.rule_code == "obscene"
        assert (await append(db, chat.id)).case_number == 2

    async def test_database_refuses_a_duplicate_key(self, db: Database) -> None:
        chat = await new_chat(db)
        key = unique("dup:")
        await append(db, chat.id, idempotency_key=key)
        with pytest.raises(IntegrityError):
            async with db.transaction() as session:
                session.add(
                    AuditRecord(
                        chat_id=chat.id, action="warn", actor_kind="system", idempotency_key=key
                    )
                )

    async def test_correction_is_a_new_record(self, db: Database) -> None:
        chat = await new_chat(db)
        original = await append(db, chat.id, rule_code="insult", target_user_id="7")
        fix = await append(
            db, chat.id, action="void_warning", corrects_id=original.id, reason="mistaken"
        )
        async with db.transaction() as session:
            log = AuditLog(session)
            assert [r.id for r in await log.corrections_of(original.id)] == [fix.id]
            unchanged = await log.by_case(chat.id, original.case_number or 0)
            assert unchanged is not None and unchanged.rule_code == "insult"
        assert not any(hasattr(AuditLog, name) for name in ("update", "delete", "remove", "edit"))

    async def test_times_round_trip_as_aware_utc(self, db: Database) -> None:
        chat = await new_chat(db)
        moscow = timezone(timedelta(hours=3))
        at = datetime(2025, 5, 17, 12, 30, 15, 123456, tzinfo=moscow)
        record = await append(db, chat.id, created_at=at)
        async with db.transaction() as session:
            loaded = await session.scalar(
                select(AuditRecord.created_at).where(AuditRecord.id == record.id)
            )
        assert loaded == at and loaded.tzinfo == UTC

    async def test_naive_times_are_refused(self, db: Database) -> None:
        chat = await new_chat(db)
        with pytest.raises(Exception, match="naive datetime"):
            await append(db, chat.id, created_at=datetime(2025, 1, 1, 12, 0))

    async def test_keyset_pages_newest_first(self, db: Database) -> None:
        chat = await new_chat(db)
        for minute in (0, 1, 1, 2, 3):
            await append(db, chat.id, created_at=T0 + timedelta(minutes=minute))
        seen: list[int] = []
        before = None
        async with db.transaction() as session:
            while page := await AuditLog(session).page(chat_id=chat.id, before=before, limit=2):
                seen += [r.case_number or 0 for r in page]
                before = (page[-1].created_at, page[-1].id)
        assert seen == [5, 4, 3, 2, 1]
