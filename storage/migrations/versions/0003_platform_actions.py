"""Platform actions: the outbox of messenger calls and their outcomes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "platform_actions",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("audit_id", BIG_ID, nullable=True),
        sa.Column("platform", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'done', 'failed')", name=op.f("ck_platform_actions_status")
        ),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audit_log.id"],
            name=op.f("fk_platform_actions_audit_id_audit_log"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_actions")),
        sa.UniqueConstraint("key", name=op.f("uq_platform_actions_key")),
    )
    op.create_index(
        op.f("ix_platform_actions_audit_id"), "platform_actions", ["audit_id"], unique=False
    )
    op.create_index(
        "ix_platform_actions_pending",
        "platform_actions",
        ["status", "not_before", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_platform_actions_pending", table_name="platform_actions")
    op.drop_index(op.f("ix_platform_actions_audit_id"), table_name="platform_actions")
    op.drop_table("platform_actions")
