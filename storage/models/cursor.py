"""Durable long-poll positions, one per bot and stream (VK `ts`, MAX `marker`).

Kept in the database, not in Redis, because losing one means skipping or replaying a
whole stretch of updates.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow

__all__ = ["EventCursor"]


class EventCursor(Base):
    """The last position a bot's event source has fully handled."""

    __tablename__ = "event_cursors"

    bot_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
