"""The roster's own tables: staff members' chats, and the syncs applied.

`person_chats`: which chats a staff member belongs to, as the roster's `chats`
column says. Regulation point 8: a parent who is also staff keeps their staff chats
when their child departs. Each entry is a chat tag (`учительская`, `5А`) or a chat
id, kept as written, so a chat tagged later is matched without re-importing.

`roster_syncs`: every applied sync plan as it was shown (departures, arrivals,
class moves, retags, removals), so the dashboard can show the whole latest sync,
not only the removals the audit log keeps. The removals' outcomes are read from
their outbox rows, keyed by `sync_id`, and are not copied here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow

__all__ = ["PersonChat", "RosterSync"]


class PersonChat(Base):
    """One `chats` entry of one roster person."""

    __tablename__ = "person_chats"

    person_id: Mapped[str] = mapped_column(
        ForeignKey("people.person_id", ondelete="CASCADE"), primary_key=True
    )
    ref: Mapped[str] = mapped_column(String(64), primary_key=True)


class RosterSync(Base):
    """One applied sync: its plan (`SyncPlan.as_dict()`), when and by whom."""

    __tablename__ = "roster_syncs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sync_id: Mapped[str] = mapped_column(String(64), index=True)
    """The digest of the export (`bot.services.roster.sync_id`), as in the outbox keys."""
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(String(64))
    """The platform user who applied it from the chat (`/выбыл`); empty from the CLI."""
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
