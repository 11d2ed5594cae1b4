"""The dashboard's own tables: accounts, sign-in failures, sessions, message counts.

Accounts are not roster people: an administrator may be someone from the school's
office who never joins a chat. A curator's reach is what the account is linked to
(chats, class tags, or the roster person who curates chats), resolved on every
request so that a roster change takes effect without re-issuing accounts.

Sessions live on the server, keyed by the SHA-256 of the cookie's random token, so a
logout or a lock really ends them and a leaked database holds no usable cookie.

`message_counts` answers "how much is the platform used" (the regulation asks the
administrator to report it) without storing a single message: one counter per chat
and week.

The extra `audit_log` indexes serve the log filters (person, rule, action, actor):
each is the filter column followed by the keyset order, so a filtered page is an
index range scan however deep the cursor is.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.audit import AuditRecord
from storage.models.base import Base, BigId, utcnow

__all__ = [
    "DASHBOARD_ROLES",
    "DashboardSession",
    "DashboardUser",
    "DashboardUserChat",
    "DashboardUserClass",
    "LoginFailure",
    "MessageCount",
]

DASHBOARD_ROLES = ("administrator", "curator")


class DashboardUser(Base):
    """A dashboard account with an argon2 password hash."""

    __tablename__ = "dashboard_users"
    __table_args__ = (CheckConstraint(f"role IN {DASHBOARD_ROLES!r}", name="role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="SET NULL"))
    person_id: Mapped[str | None] = mapped_column(
        ForeignKey("people.person_id", ondelete="SET NULL")
    )
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DashboardUserChat(Base):
    """A chat a curator account may see."""

    __tablename__ = "dashboard_user_chats"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("dashboard_users.id", ondelete="CASCADE"), primary_key=True
    )
    chat_id: Mapped[int] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True
    )


class DashboardUserClass(Base):
    """A class (a chat tag such as "5А") whose chats a curator account may see."""

    __tablename__ = "dashboard_user_classes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("dashboard_users.id", ondelete="CASCADE"), primary_key=True
    )
    class_tag: Mapped[str] = mapped_column(String(64), primary_key=True)


class LoginFailure(Base):
    """One failed sign-in; ten within fifteen minutes lock the account."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class DashboardSession(Base):
    """A signed-in browser; the cookie holds the token, this row holds its hash."""

    __tablename__ = "dashboard_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("dashboard_users.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class MessageCount(Base):
    """How many messages a chat saw in a week (Monday, UTC); the texts are never kept."""

    __tablename__ = "message_counts"

    chat_id: Mapped[int] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True
    )
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


# Filter-then-keyset indexes on the audit log (see the module docstring).
_audit = AuditRecord.__table__
for _name, _column in (
    ("target", "target_user_id"),
    ("rule", "rule_code"),
    ("action", "action"),
    ("actor", "actor_id"),
    ("detector", "detector_name"),
):
    Index(f"ix_audit_log_{_name}_created", _audit.c[_column], _audit.c.created_at, _audit.c.id)
