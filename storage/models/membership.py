"""Who is (or was) in which chat, by platform user id.

One row per stay: a person who leaves and comes back gets a new row, so the history
of joins, departures and rule acknowledgements (regulation point 3) is kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId

__all__ = ["Membership"]


class Membership(Base):
    """One stay of one platform user in one chat; open while `left_at` is NULL."""

    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_chat_user", "chat_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    acknowledged_rules_at: Mapped[datetime | None]
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
