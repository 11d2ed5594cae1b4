"""Scheduled announcements and their per-chat deliveries.

A delivery row is written before the message is sent and is unique per
(announcement, run time, chat), so a fan-out interrupted by a restart resumes with the
chats still pending and never posts twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow

__all__ = [
    "ANNOUNCEMENT_STATUSES",
    "DELIVERY_STATUSES",
    "RUN_STATUSES",
    "Announcement",
    "AnnouncementRun",
    "Delivery",
]

DELIVERY_STATUSES = ("pending", "sent", "failed")
ANNOUNCEMENT_STATUSES = ("draft", "active", "finished", "cancelled")
RUN_STATUSES = ("fanned_out", "missed")


class Announcement(Base):
    """A text posted to the chats carrying `target_tags`, once or on a cron schedule."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    target_tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    run_at: Mapped[datetime | None]
    cron: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Issue [8/11]: `target_tags` holds every target item (tag patterns, `#id` chats,
    # `@role`s); `schedule` the recurrence (`bot.announcements.Schedule.to_json`) and
    # quiet hours; `created_by` the author's platform user id, who gets the reports.
    schedule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    pin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    next_run_at: Mapped[datetime | None] = mapped_column(index=True)
    runs_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AnnouncementRun(Base):
    """One run of an announcement: fanned out (and reported once complete) or missed.

    Written in the fan-out transaction, so "this run happened" and its deliveries
    commit together; `reported_at` makes the author's report go out once.
    """

    __tablename__ = "announcement_runs"
    __table_args__ = (
        UniqueConstraint("announcement_id", "run_at"),
        CheckConstraint(f"status IN {RUN_STATUSES!r}", name="status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    run_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    chats: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reported_at: Mapped[datetime | None] = mapped_column(index=True)


class Delivery(Base):
    """One announcement run in one chat.

    `error` is the platform's reason for a failed delivery; on a sent one it is
    `pin: <reason>` when the announcement was to be pinned and pinning failed.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("announcement_id", "run_at", "chat_id"),
        CheckConstraint(f"status IN {DELIVERY_STATUSES!r}", name="status"),
        Index("ix_deliveries_status_run_at", "status", "run_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    run_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    platform_message_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
