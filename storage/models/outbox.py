"""The outbox: platform calls decided in a transaction, carried out after it commits.

The audit log is append-only, yet each record must show what the platform answered.
So the call itself is a row here, written in the same transaction as the audit
record, and its outcome is recorded on this row, not on the audit record. A crash
between commit and call leaves the row pending, and it is carried out at the next
start; its `key` (derived from the event or job that caused it) makes a second
attempt of the same action recognisable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow

__all__ = ["OUTBOX_STATUSES", "PlatformAction"]

OUTBOX_STATUSES = ("pending", "done", "failed")


class PlatformAction(Base):
    """One call to a messenger: what, where, why (the audit record), and how it went."""

    __tablename__ = "platform_actions"
    __table_args__ = (
        CheckConstraint(f"status IN {OUTBOX_STATUSES!r}", name="status"),
        Index("ix_platform_actions_pending", "status", "not_before", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    audit_id: Mapped[int | None] = mapped_column(
        ForeignKey("audit_log.id", ondelete="RESTRICT"), index=True
    )
    platform: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    """Outcomes recorded (done, failed, or a failure to retry later)."""
    claims: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Times a process took the row; more claims than outcomes means a process died
    while carrying it out, and the call may have reached the platform."""
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]

    @property
    def interrupted(self) -> bool:
        """Read before this process claims it: an earlier claim left no outcome, so
        the call may already have reached the platform."""
        return self.claims > self.attempts

    @property
    def interrupted_before(self) -> bool:
        """`interrupted` as it was before the claim this row was read with
        (`Outbox.claim_due` returns rows with their new claim counted)."""
        return self.claims - 1 > self.attempts
