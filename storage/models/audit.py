"""The audit log (append-only) and the per-chat case-number counter.

Regulation point 7 asks that every sanction can be traced to a rule, so the log keeps
who acted, which rule and version, what the platform answered, and never changes: a
correction is a new record whose `corrects_id` points at the old one. The
`idempotency_key` makes a replayed action (after a crash) find its record instead of
writing a second one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow

__all__ = ["ACTOR_KINDS", "AuditRecord", "CaseCounter"]

ACTOR_KINDS = ("person", "detector", "system")


class AuditRecord(Base):
    """One thing the bot or a moderator did, with the rule it cites and its outcome."""

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(f"actor_kind IN {ACTOR_KINDS!r}", name="actor_kind"),
        UniqueConstraint("chat_id", "case_number"),
        # Keyset paging: newest first, per chat and overall.
        Index("ix_audit_log_chat_created", "chat_id", "created_at", "id"),
        Index("ix_audit_log_created", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    chat_id: Mapped[int | None] = mapped_column(ForeignKey("chats.id", ondelete="RESTRICT"))
    case_number: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    detector_name: Mapped[str | None] = mapped_column(String(64))
    detector_version: Mapped[str | None] = mapped_column(String(32))
    target_user_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    rule_code: Mapped[str | None] = mapped_column(String(64))
    rule_version: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    excerpt: Mapped[str | None] = mapped_column(Text)
    platform_status: Mapped[str | None] = mapped_column(String(16))
    platform_error: Mapped[str | None] = mapped_column(Text)
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("audit_log.id", ondelete="RESTRICT"), index=True
    )
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True)


class CaseCounter(Base):
    """The last case number handed out in a chat; bumped in the appending transaction."""

    __tablename__ = "case_counters"

    chat_id: Mapped[int] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True
    )
    last_case: Mapped[int] = mapped_column(Integer, default=0)
