"""Dashboard: accounts, sign-in failures, sessions, weekly message counts, log indexes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AUDIT_FILTERS = (
    ("target", "target_user_id"),
    ("rule", "rule_code"),
    ("action", "action"),
    ("actor", "actor_id"),
    ("detector", "detector_name"),
)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    other = target.partition(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{other}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "dashboard_users",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("school_id", BIG_ID, nullable=True),
        sa.Column("person_id", sa.String(length=64), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('administrator', 'curator')", name=op.f("ck_dashboard_users_role")
        ),
        _fk("dashboard_users", "school_id", "schools.id", "SET NULL"),
        _fk("dashboard_users", "person_id", "people.person_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_users")),
        sa.UniqueConstraint("username", name=op.f("uq_dashboard_users_username")),
    )
    op.create_table(
        "dashboard_user_chats",
        sa.Column("user_id", BIG_ID, nullable=False),
        sa.Column("chat_id", BIG_ID, nullable=False),
        _fk("dashboard_user_chats", "user_id", "dashboard_users.id", "CASCADE"),
        _fk("dashboard_user_chats", "chat_id", "chats.id", "CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "chat_id", name=op.f("pk_dashboard_user_chats")),
    )
    op.create_table(
        "dashboard_user_classes",
        sa.Column("user_id", BIG_ID, nullable=False),
        sa.Column("class_tag", sa.String(length=64), nullable=False),
        _fk("dashboard_user_classes", "user_id", "dashboard_users.id", "CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "class_tag", name=op.f("pk_dashboard_user_classes")),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index("ix_login_failures_username_at", "login_failures", ["username", "at"])
    op.create_table(
        "dashboard_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", BIG_ID, nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        _fk("dashboard_sessions", "user_id", "dashboard_users.id", "CASCADE"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_dashboard_sessions")),
    )
    op.create_index(
        op.f("ix_dashboard_sessions_user_id"), "dashboard_sessions", ["user_id"], unique=False
    )
    op.create_table(
        "message_counts",
        sa.Column("chat_id", BIG_ID, nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        _fk("message_counts", "chat_id", "chats.id", "CASCADE"),
        sa.PrimaryKeyConstraint("chat_id", "week", name=op.f("pk_message_counts")),
    )
    for name, column in AUDIT_FILTERS:
        op.create_index(
            f"ix_audit_log_{name}_created", "audit_log", [column, "created_at", "id"], unique=False
        )


def downgrade() -> None:
    for name, _column in AUDIT_FILTERS:
        op.drop_index(f"ix_audit_log_{name}_created", table_name="audit_log")
    op.drop_table("message_counts")
    op.drop_index(op.f("ix_dashboard_sessions_user_id"), table_name="dashboard_sessions")
    op.drop_table("dashboard_sessions")
    op.drop_index("ix_login_failures_username_at", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_table("dashboard_user_classes")
    op.drop_table("dashboard_user_chats")
    op.drop_table("dashboard_users")
