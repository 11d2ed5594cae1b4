"""Schools, their chats, chat tags and the curators notified about each chat.

A chat is identified by its platform and the platform's own chat id; `id` is ours so
that foreign keys stay short and a chat survives being renamed on the platform.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, BigId, utcnow

__all__ = ["Chat", "ChatCurator", "ChatTag", "School"]


class School(Base):
    """A school; its time zone decides when "daily" and announcement times fall."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")


class Chat(Base):
    """One group chat on one platform that the bot moderates or has been added to."""

    __tablename__ = "chats"
    __table_args__ = (UniqueConstraint("platform", "platform_chat_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    platform_chat_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(255), default="")
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="SET NULL"), index=True
    )
    bot_is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tags: Mapped[list[ChatTag]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ChatTag.tag"
    )

    @property
    def tag_names(self) -> list[str]:
        """Tags as plain strings, sorted."""
        return [t.tag for t in self.tags]


class ChatTag(Base):
    """A label ("parents", "5A", "staff") by which announcements and policies pick chats."""

    __tablename__ = "chat_tags"

    chat_id: Mapped[int] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class ChatCurator(Base):
    """A curator (class teacher) who gets private notices about moderation in a chat."""

    __tablename__ = "chat_curators"

    chat_id: Mapped[int] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(
        ForeignKey("people.person_id", ondelete="CASCADE"), primary_key=True, index=True
    )
