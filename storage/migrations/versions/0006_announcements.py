"""Announcements: recurrence, time zone, urgency, pin, status, next run; their runs.

Issue [8/11]. Additive: existing announcement rows become active schedules with no
next run (nothing is sent for them until edited).

Revision ID: 0006
Revises: 0005 (the lead re-chains it: written against 0003, chained after the
dashboard's 0004 and the roster's 0005 that were already present)
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COLUMNS = ("schedule", "time_zone", "urgent", "pin", "status", "next_run_at", "runs_done")


def upgrade() -> None:
    with op.batch_alter_table("announcements") as batch:
        batch.add_column(sa.Column("schedule", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("urgent", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("pin", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(
            sa.Column("status", sa.String(length=16), server_default="active", nullable=False)
        )
        batch.add_column(sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("runs_done", sa.Integer(), server_default="0", nullable=False))
        batch.create_index(op.f("ix_announcements_next_run_at"), ["next_run_at"], unique=False)
    op.create_table(
        "announcement_runs",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("announcement_id", BIG_ID, nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("chats", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('fanned_out', 'missed')", name=op.f("ck_announcement_runs_status")
        ),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_runs_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_runs")),
        sa.UniqueConstraint(
            "announcement_id", "run_at", name=op.f("uq_announcement_runs_announcement_id_run_at")
        ),
    )
    op.create_index(
        op.f("ix_announcement_runs_reported_at"), "announcement_runs", ["reported_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_announcement_runs_reported_at"), table_name="announcement_runs")
    op.drop_table("announcement_runs")
    with op.batch_alter_table("announcements") as batch:
        batch.drop_index(op.f("ix_announcements_next_run_at"))
        for name in reversed(COLUMNS):
            batch.drop_column(name)
