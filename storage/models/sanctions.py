"""Strikes (warnings) and blocks: the rows the counts and timers are computed from.

Regulation point 5 counts violations, so a strike is a row with its own expiry and an
optional voiding, never a counter: the active count is a query at a given moment, and
a withdrawn warning stays visible as voided. Every row cites a rule (point 7) and the
case number of the audit record that created it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow

__all__ = ["BLOCK_MODES", "Block", "Strike"]

BLOCK_MODES = ("mute", "remove")


class Strike(Base):
    """One warning; counts while not voided and not past `expires_at` (NULL: never)."""

    __tablename__ = "strikes"
    __table_args__ = (Index("ix_strikes_chat_target", "chat_id", "target_user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    target_user_id: Mapped[str] = mapped_column(String(64))
    rule_code: Mapped[str] = mapped_column(String(64))
    rule_version: Mapped[str] = mapped_column(String(32), default="")
    weight: Mapped[int] = mapped_column(Integer, default=1)
    case_number: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]
    voided_by: Mapped[str | None] = mapped_column(String(64))
    void_reason: Mapped[str | None] = mapped_column(Text)


class Block(Base):
    """A timed block: `mute` keeps the person and deletes their messages, `remove` kicks.

    Open while `lifted_at` is NULL. An expired block is still open until the unblock
    has actually been carried out, which is what lets timers be re-armed after a
    restart without repeating or skipping the unblock.
    """

    __tablename__ = "blocks"
    __table_args__ = (
        CheckConstraint(f"mode IN {BLOCK_MODES!r}", name="mode"),
        Index("ix_blocks_chat_target", "chat_id", "target_user_id"),
        Index("ix_blocks_open_ends", "lifted_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    target_user_id: Mapped[str] = mapped_column(String(64))
    rule_code: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16), default="mute")
    case_number: Mapped[int | None]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    lifted_at: Mapped[datetime | None]
    lifted_by: Mapped[str | None] = mapped_column(String(64))
    lift_reason: Mapped[str | None] = mapped_column(Text)
