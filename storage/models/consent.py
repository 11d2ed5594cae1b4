"""Apologies and the objection windows an early unblock needs (regulation point 6).

The eligible voters are snapshotted when the window opens, so that people who join
during the window cannot tip it; objections are rows so that two people pressing
"I object" at once both count.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow

__all__ = ["WINDOW_STATUSES", "Apology", "ConsentWindow", "Objection"]

WINDOW_STATUSES = ("open", "passed", "objected", "cancelled")


class Apology(Base):
    """What a blocked person asked the bot to relay to the chat."""

    __tablename__ = "apologies"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id", ondelete="CASCADE"), index=True)
    author_user_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    relayed_message_id: Mapped[str | None] = mapped_column(String(64))


class ConsentWindow(Base):
    """The period in which chat members may object to lifting a block early."""

    __tablename__ = "consent_windows"
    __table_args__ = (
        CheckConstraint(f"status IN {WINDOW_STATUSES!r}", name="status"),
        Index("ix_consent_windows_status_closes", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id", ondelete="CASCADE"), index=True)
    apology_id: Mapped[int | None] = mapped_column(ForeignKey("apologies.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="open")
    eligible_voters: Mapped[list[str]] = mapped_column(JSON, default=list)
    message_id: Mapped[str | None] = mapped_column(String(64))


class Objection(Base):
    """One participant's "I object"; the primary key makes a second press a no-op."""

    __tablename__ = "objections"

    window_id: Mapped[int] = mapped_column(
        ForeignKey("consent_windows.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
