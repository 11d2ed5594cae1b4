"""Which chats a staff member belongs to, as the roster's `chats` column says.

Regulation point 8: a parent who is also staff keeps their staff chats when their
child departs. Each entry is a chat tag (`учительская`, `5А`) or a chat id, kept as
written, so a chat tagged later is matched without re-importing the roster.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

__all__ = ["PersonChat"]


class PersonChat(Base):
    """One `chats` entry of one roster person."""

    __tablename__ = "person_chats"

    person_id: Mapped[str] = mapped_column(
        ForeignKey("people.person_id", ondelete="CASCADE"), primary_key=True
    )
    ref: Mapped[str] = mapped_column(String(64), primary_key=True)
