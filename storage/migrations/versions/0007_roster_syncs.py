"""Roster syncs: every applied sync plan, for the dashboard's roster page.

Issue [9/11]: the page shows the latest sync's whole plan (arrivals, class moves,
departures, retags) beside its removals' outcomes. Additive: syncs applied before
this revision left only their removals (audit rows), which the page still shows.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "roster_syncs",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("sync_id", sa.String(length=64), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_syncs")),
    )
    op.create_index(op.f("ix_roster_syncs_sync_id"), "roster_syncs", ["sync_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_roster_syncs_sync_id"), table_name="roster_syncs")
    op.drop_table("roster_syncs")
