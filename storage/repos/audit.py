"""The audit log: append, look up, page. There is deliberately no update or delete.

A correction is a new record with `corrects_id`; a replayed action finds its record
by `idempotency_key` instead of writing a second one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditRecord, CaseCounter, utcnow
from storage.repos._upsert import insert_for

__all__ = ["AuditLog"]


class AuditLog:
    """Append-only access to `audit_log` within the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def next_case_number(self, chat_id: int) -> int:
        """Bump and return the chat's case counter.

        One atomic upsert: on PostgreSQL its UPDATE takes the same row lock as
        `SELECT ... FOR UPDATE`, held to commit, and unlike a select-then-insert it has
        no race on a chat's first case; on SQLite the transaction already holds the
        write lock. A rolled-back append rolls the counter back too, so no gaps.
        """
        stmt = insert_for(self.session, CaseCounter).values(chat_id=chat_id, last_case=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[CaseCounter.chat_id],
            set_={"last_case": CaseCounter.last_case + 1},
        ).returning(CaseCounter.last_case)
        return int((await self.session.execute(stmt)).scalar_one())

    async def append(
        self,
        *,
        action: str,
        actor_kind: str,
        chat_id: int | None = None,
        actor_id: str | None = None,
        detector_name: str | None = None,
        detector_version: str | None = None,
        target_user_id: str | None = None,
        rule_code: str | None = None,
        rule_version: str | None = None,
        reason: str | None = None,
        excerpt: str | None = None,
        platform_status: str | None = None,
        platform_error: str | None = None,
        corrects_id: int | None = None,
        idempotency_key: str | None = None,
        created_at: datetime | None = None,
        checked: bool = False,
    ) -> AuditRecord:
        """Write one record with the chat's next case number; idempotent by key.

        If `idempotency_key` is already recorded (now, or by a concurrent transaction
        that committed first) the existing record is returned and nothing is written.
        `checked`: the caller looked the key up in this transaction and found nothing,
        so the lookup is not repeated (a concurrent writer is still caught below).

        The row goes in with `ON CONFLICT (idempotency_key) DO NOTHING`, not in a
        savepoint (two round trips fewer): when a concurrent writer had the key, the
        case number this append took is given back, which is safe because the counter's
        row stays locked by this transaction until it ends.
        """
        if idempotency_key is not None and not checked:
            existing = await self.by_idempotency_key(idempotency_key)
            if existing is not None:
                return existing
        values = {
            "chat_id": chat_id,
            "created_at": created_at or utcnow(),
            "actor_kind": actor_kind,
            "actor_id": actor_id,
            "detector_name": detector_name,
            "detector_version": detector_version,
            "target_user_id": target_user_id,
            "action": action,
            "rule_code": rule_code,
            "rule_version": rule_version,
            "reason": reason,
            "excerpt": excerpt,
            "platform_status": platform_status,
            "platform_error": platform_error,
            "corrects_id": corrects_id,
            "idempotency_key": idempotency_key,
        }
        if chat_id is not None:
            values["case_number"] = await self.next_case_number(chat_id)
        stmt = insert_for(self.session, AuditRecord).values(**values)
        if idempotency_key is not None:
            stmt = stmt.on_conflict_do_nothing(index_elements=[AuditRecord.idempotency_key])
        found = await self.session.scalars(stmt.returning(AuditRecord))
        record: AuditRecord | None = found.one_or_none()
        if record is not None:
            return record
        assert idempotency_key is not None  # only that conflict is let through
        if chat_id is not None:
            await self._give_back_case(chat_id)
        existing = await self.by_idempotency_key(idempotency_key)
        assert existing is not None  # the writer that had the key committed it
        return existing

    async def _give_back_case(self, chat_id: int) -> None:
        """Undo this transaction's `next_case_number` (its row lock is still held)."""
        stmt = (
            update(CaseCounter)
            .where(CaseCounter.chat_id == chat_id)
            .values(last_case=CaseCounter.last_case - 1)
        )
        await self.session.execute(stmt, execution_options={"synchronize_session": False})

    async def get(self, record_id: int) -> AuditRecord | None:
        return await self.session.get(AuditRecord, record_id)

    async def by_idempotency_key(self, key: str) -> AuditRecord | None:
        stmt = select(AuditRecord).where(AuditRecord.idempotency_key == key)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def by_case(self, chat_id: int, case_number: int) -> AuditRecord | None:
        stmt = select(AuditRecord).where(
            AuditRecord.chat_id == chat_id, AuditRecord.case_number == case_number
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def corrections_of(self, record_id: int) -> list[AuditRecord]:
        stmt = (
            select(AuditRecord).where(AuditRecord.corrects_id == record_id).order_by(AuditRecord.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def page(
        self,
        *,
        chat_id: int | None = None,
        before: tuple[datetime, int] | None = None,
        limit: int = 50,
    ) -> list[AuditRecord]:
        """Newest first; pass the last row's `(created_at, id)` as `before` for the next page."""
        stmt = select(AuditRecord)
        if chat_id is not None:
            stmt = stmt.where(AuditRecord.chat_id == chat_id)
        if before is not None:
            at, record_id = before
            stmt = stmt.where(
                (AuditRecord.created_at < at)
                | ((AuditRecord.created_at == at) & (AuditRecord.id < record_id))
            )
        stmt = stmt.order_by(AuditRecord.created_at.desc(), AuditRecord.id.desc()).limit(limit)
        return list((await self.session.execute(stmt)).scalars())
